/**
 * When a stored model was trained, as its list shows it: short local date and time (the ISO
 * timestamp itself when it does not parse, so nothing is hidden).
 */
export function trainedAt(iso: string): string {
  const d = new Date(iso)
  return Number.isNaN(d.getTime())
    ? iso
    : d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' })
}
