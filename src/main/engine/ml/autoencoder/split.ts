/**
 * The train / validation split of the background events, decided per event from the seed and
 * the event's global index (its position among the selected background events, samples in
 * order): a hash, not a running random stream, so reading the events in chunks (megasets)
 * gives every event the same part as reading them all at once.
 */
import { PART } from '../dataset'

/** A uniform number in [0, 1) from (seed, index): two rounds of the splitmix32 / murmur3 finaliser. */
export function eventDraw(seed: number, index: number): number {
  let z = (Math.imul(seed >>> 0, 0x9e3779b9) ^ (index >>> 0)) >>> 0
  z = (z + Math.imul(Math.floor(index / 4294967296) + 1, 0x7f4a7c15)) >>> 0
  for (let round = 0; round < 2; round++) {
    z = (z + 0x9e3779b9) >>> 0
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    z = (z ^ (z >>> 16)) >>> 0
  }
  return z / 4294967296
}

/** PART.validation or PART.train of the background event with global index `index`. */
export function backgroundPart(seed: number, validation: number, index: number): number {
  return eventDraw(seed, index) < validation ? PART.validation : PART.train
}
