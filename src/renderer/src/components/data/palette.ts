import { SAMPLE_PALETTE } from '../../../../shared/palette'

/** The first palette colour no sample uses yet (cycling when all are taken). */
export function nextColour(used: readonly string[]): string {
  const taken = new Set(used.map((c) => c.toLowerCase()))
  return (
    SAMPLE_PALETTE.find((c) => !taken.has(c)) ?? SAMPLE_PALETTE[used.length % SAMPLE_PALETTE.length]
  )
}
