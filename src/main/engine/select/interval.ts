/**
 * Fused cut loops. A comparison with a constant (`x > 30`, `1 <= x`, `x != 0`) is the same as
 * an interval test `lo <= x <= hi` (optionally negated), because `x > c` ⇔ `x >= nextUp(c)` in
 * float64, NaN included (NaN is in no interval). One branch-free loop then serves all six
 * operators, and two tests joined by && or || run in a single pass over both columns into one
 * output — a cut's cost is about one read of each column it names.
 */
import type { ComparisonOp } from '../../../shared/expr'
import type { NumericArray } from '../../../shared/column'

/** x passes when (lo <= x && x <= hi) !== (neg === 1). An empty interval uses lo = NaN. */
export interface Interval {
  readonly lo: number
  readonly hi: number
  /** 1 to negate (for `!=`). */
  readonly neg: 0 | 1
}

const f64 = new Float64Array(1)
const bits = new BigInt64Array(f64.buffer)

/** The smallest float64 greater than x; NaN when there is none (x = +∞ or NaN). */
export function nextUp(x: number): number {
  if (x !== x || x === Infinity) return NaN
  if (x === 0) return Number.MIN_VALUE
  f64[0] = x
  bits[0] += x > 0 ? 1n : -1n
  return f64[0]
}

/** The largest float64 less than x; NaN when there is none. */
export function nextDown(x: number): number {
  const u = nextUp(-x)
  return u === u ? -u : NaN
}

/** The interval for `x op c` (or `c op x` when `constOnLeft`). */
export function intervalOf(op: ComparisonOp, c: number, constOnLeft: boolean): Interval {
  const o = constOnLeft ? MIRROR[op] : op
  switch (o) {
    case '>':
      return { lo: nextUp(c), hi: Infinity, neg: 0 }
    case '>=':
      return { lo: c, hi: Infinity, neg: 0 }
    case '<':
      return { lo: -Infinity, hi: nextDown(c), neg: 0 }
    case '<=':
      return { lo: -Infinity, hi: c, neg: 0 }
    case '==':
      return { lo: c, hi: c, neg: 0 }
    case '!=':
      return { lo: c, hi: c, neg: 1 }
  }
}

const MIRROR: Readonly<Record<ComparisonOp, ComparisonOp>> = {
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
  '==': '==',
  '!=': '!=',
}

/**
 * A one-sided interval: `x >= t` (lower bound) or `x <= t` (upper). One comparison instead of
 * two, with a loop per combination of bound kinds, makes the common cut loop about a third
 * faster than the general interval test. NaN still fails both forms.
 */
interface Bound {
  readonly upper: boolean
  readonly t: number
}

function oneSided(iv: Interval): Bound | undefined {
  if (iv.neg) return undefined
  if (iv.hi === Infinity) return { upper: false, t: iv.lo }
  if (iv.lo === -Infinity) return { upper: true, t: iv.hi }
  return undefined
}

/** 0/1 per value: does it pass the interval test? */
export function intervalMask(a: NumericArray, t: Interval, out: Uint8Array): Uint8Array {
  const n = out.length
  const bound = oneSided(t)
  if (bound) {
    const c = bound.t
    if (bound.upper) for (let i = 0; i < n; i++) out[i] = +(a[i] <= c)
    else for (let i = 0; i < n; i++) out[i] = +(a[i] >= c)
    return out
  }
  const { lo, hi, neg } = t
  for (let i = 0; i < n; i++) {
    const x = a[i]
    out[i] = (+(x >= lo) & +(x <= hi)) ^ neg
  }
  return out
}

/** `test(a) && test(b)` or `test(a) || test(b)` in one pass (a, b of equal length). */
export function intervalMask2(
  op: '&&' | '||',
  a: NumericArray,
  ta: Interval,
  b: NumericArray,
  tb: Interval,
  out: Uint8Array,
): Uint8Array {
  const n = out.length
  const b1 = oneSided(ta)
  const b2 = oneSided(tb)
  if (b1 && b2) return bothOneSided(op, a, b1, b, b2, out)
  const { lo: lo1, hi: hi1, neg: n1 } = ta
  const { lo: lo2, hi: hi2, neg: n2 } = tb
  if (op === '&&') {
    for (let i = 0; i < n; i++) {
      const x = a[i]
      const y = b[i]
      out[i] = ((+(x >= lo1) & +(x <= hi1)) ^ n1) & ((+(y >= lo2) & +(y <= hi2)) ^ n2)
    }
  } else {
    for (let i = 0; i < n; i++) {
      const x = a[i]
      const y = b[i]
      out[i] = ((+(x >= lo1) & +(x <= hi1)) ^ n1) | ((+(y >= lo2) & +(y <= hi2)) ^ n2)
    }
  }
  return out
}

/** `m && test(b)` or `m || test(b)` in one pass, m a 0/1 mask of b's length. */
export function maskWithInterval(
  op: '&&' | '||',
  m: Uint8Array,
  b: NumericArray,
  tb: Interval,
  out: Uint8Array,
): Uint8Array {
  const n = out.length
  const bound = oneSided(tb)
  if (bound) {
    const t = bound.t
    if (op === '&&') {
      if (bound.upper) for (let i = 0; i < n; i++) out[i] = m[i] & +(b[i] <= t)
      else for (let i = 0; i < n; i++) out[i] = m[i] & +(b[i] >= t)
    } else {
      if (bound.upper) for (let i = 0; i < n; i++) out[i] = m[i] | +(b[i] <= t)
      else for (let i = 0; i < n; i++) out[i] = m[i] | +(b[i] >= t)
    }
    return out
  }
  const { lo, hi, neg } = tb
  if (op === '&&') {
    for (let i = 0; i < n; i++) {
      const y = b[i]
      out[i] = m[i] & ((+(y >= lo) & +(y <= hi)) ^ neg)
    }
  } else {
    for (let i = 0; i < n; i++) {
      const y = b[i]
      out[i] = m[i] | ((+(y >= lo) & +(y <= hi)) ^ neg)
    }
  }
  return out
}

/**
 * The hot loop of a two-comparison cut: one loop per (op, bound kinds), unrolled by four —
 * V8 does not unroll loops, and doing it by hand here cut the time by about a third (bench
 * select-cut2-1e7). The last (n mod 4) elements take a plain path.
 */
function bothOneSided(
  op: '&&' | '||',
  a: NumericArray,
  ba: Bound,
  b: NumericArray,
  bb: Bound,
  out: Uint8Array,
): Uint8Array {
  const n = out.length
  const m = n - (n % 4)
  const t1 = ba.t
  const t2 = bb.t
  let i = 0
  if (op === '&&') {
    switch ((ba.upper ? 2 : 0) + (bb.upper ? 1 : 0)) {
      case 0:
        for (; i < m; i += 4) {
          out[i] = +(a[i] >= t1) & +(b[i] >= t2)
          out[i + 1] = +(a[i + 1] >= t1) & +(b[i + 1] >= t2)
          out[i + 2] = +(a[i + 2] >= t1) & +(b[i + 2] >= t2)
          out[i + 3] = +(a[i + 3] >= t1) & +(b[i + 3] >= t2)
        }
        break
      case 1:
        for (; i < m; i += 4) {
          out[i] = +(a[i] >= t1) & +(b[i] <= t2)
          out[i + 1] = +(a[i + 1] >= t1) & +(b[i + 1] <= t2)
          out[i + 2] = +(a[i + 2] >= t1) & +(b[i + 2] <= t2)
          out[i + 3] = +(a[i + 3] >= t1) & +(b[i + 3] <= t2)
        }
        break
      case 2:
        for (; i < m; i += 4) {
          out[i] = +(a[i] <= t1) & +(b[i] >= t2)
          out[i + 1] = +(a[i + 1] <= t1) & +(b[i + 1] >= t2)
          out[i + 2] = +(a[i + 2] <= t1) & +(b[i + 2] >= t2)
          out[i + 3] = +(a[i + 3] <= t1) & +(b[i + 3] >= t2)
        }
        break
      default:
        for (; i < m; i += 4) {
          out[i] = +(a[i] <= t1) & +(b[i] <= t2)
          out[i + 1] = +(a[i + 1] <= t1) & +(b[i + 1] <= t2)
          out[i + 2] = +(a[i + 2] <= t1) & +(b[i + 2] <= t2)
          out[i + 3] = +(a[i + 3] <= t1) & +(b[i + 3] <= t2)
        }
        break
    }
  } else {
    switch ((ba.upper ? 2 : 0) + (bb.upper ? 1 : 0)) {
      case 0:
        for (; i < m; i += 4) {
          out[i] = +(a[i] >= t1) | +(b[i] >= t2)
          out[i + 1] = +(a[i + 1] >= t1) | +(b[i + 1] >= t2)
          out[i + 2] = +(a[i + 2] >= t1) | +(b[i + 2] >= t2)
          out[i + 3] = +(a[i + 3] >= t1) | +(b[i + 3] >= t2)
        }
        break
      case 1:
        for (; i < m; i += 4) {
          out[i] = +(a[i] >= t1) | +(b[i] <= t2)
          out[i + 1] = +(a[i + 1] >= t1) | +(b[i + 1] <= t2)
          out[i + 2] = +(a[i + 2] >= t1) | +(b[i + 2] <= t2)
          out[i + 3] = +(a[i + 3] >= t1) | +(b[i + 3] <= t2)
        }
        break
      case 2:
        for (; i < m; i += 4) {
          out[i] = +(a[i] <= t1) | +(b[i] >= t2)
          out[i + 1] = +(a[i + 1] <= t1) | +(b[i + 1] >= t2)
          out[i + 2] = +(a[i + 2] <= t1) | +(b[i + 2] >= t2)
          out[i + 3] = +(a[i + 3] <= t1) | +(b[i + 3] >= t2)
        }
        break
      default:
        for (; i < m; i += 4) {
          out[i] = +(a[i] <= t1) | +(b[i] <= t2)
          out[i + 1] = +(a[i + 1] <= t1) | +(b[i + 1] <= t2)
          out[i + 2] = +(a[i + 2] <= t1) | +(b[i + 2] <= t2)
          out[i + 3] = +(a[i + 3] <= t1) | +(b[i + 3] <= t2)
        }
        break
    }
  }
  const pass = (x: number, bound: Bound): number => +(bound.upper ? x <= bound.t : x >= bound.t)
  for (; i < n; i++) {
    out[i] = op === '&&' ? pass(a[i], ba) & pass(b[i], bb) : pass(a[i], ba) | pass(b[i], bb)
  }
  return out
}
