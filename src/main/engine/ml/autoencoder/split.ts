/**
 * The train / validation split of the background events, decided per event from the seed and
 * the event's global index (its position among the selected background events, samples in
 * order): a hash, not a running random stream, so reading the events in chunks (megasets)
 * gives every event the same part as reading them all at once (the draw: ml/streaming.ts).
 */
import { PART } from '../dataset'
import { eventDraw } from '../streaming'

/** PART.validation or PART.train of the background event with global index `index`. */
export function backgroundPart(seed: number, validation: number, index: number): number {
  return eventDraw(seed, index) < validation ? PART.validation : PART.train
}
