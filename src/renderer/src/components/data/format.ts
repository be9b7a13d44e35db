/** Number and size formatting for the Data view's tables. */

/** A number in at most `digits` significant digits; exponents for very large or small values. */
export function formatNumber(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined) return '—'
  if (!Number.isFinite(v)) return String(v)
  if (v === 0) return '0'
  const a = Math.abs(v)
  if (a >= 1e6 || a < 1e-3) return v.toExponential(digits - 1).replace('e+', 'e')
  return String(Number(v.toPrecision(digits)))
}

/** An integer with thin-space thousands separators (10 583). */
export function formatCount(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009')
}

/** Bytes as B, KiB, MiB or GiB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  const units = ['KiB', 'MiB', 'GiB', 'TiB']
  let v = n / 1024
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i++
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`
}

/** The last path component (works for / and \\ separators). */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path
}
