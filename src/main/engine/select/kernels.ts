/**
 * The loops. Each kernel runs one operation over whole arrays (all events, or all elements of a
 * jagged batch) into an output array the caller owns (`out`, whose length is the loop length;
 * kernels never allocate, so compiled expressions can reuse buffers between batches). No
 * per-element closures on the hot operators, so V8 compiles each loop to straight machine code.
 * Operands are arrays at least as long as `out`, or numbers broadcast to every index.
 *
 * Number rules (docs/expressions.md): x / 0 is NaN (not ±∞); comparisons follow IEEE (any
 * comparison with NaN is false except `!=`); a value is true when it is non-zero and not NaN.
 */
import type { ArithmeticOp, ComparisonOp } from '../../../shared/expr'
import type { NumericArray } from '../../../shared/column'
import type { Operand } from './vec'

/** One arithmetic operation on two numbers, with the division rule. */
export function arithScalar(op: ArithmeticOp, x: number, y: number): number {
  switch (op) {
    case '+':
      return x + y
    case '-':
      return x - y
    case '*':
      return x * y
    case '/':
      return y === 0 ? NaN : x / y
    case '%':
      return x % y
    case '**':
      return x ** y
  }
}

export function compareScalar(op: ComparisonOp, x: number, y: number): number {
  switch (op) {
    case '<':
      return x < y ? 1 : 0
    case '<=':
      return x <= y ? 1 : 0
    case '>':
      return x > y ? 1 : 0
    case '>=':
      return x >= y ? 1 : 0
    case '==':
      return x === y ? 1 : 0
    case '!=':
      return x !== y ? 1 : 0
  }
}

/** Truth of one number: non-zero and not NaN. */
export function truthy(x: number): boolean {
  return x !== 0 && x === x
}

/** `a op b` elementwise into out. */
export function arith(op: ArithmeticOp, a: Operand, b: Operand, out: Float64Array): Float64Array {
  if (typeof a === 'number') {
    if (typeof b === 'number') return out.fill(arithScalar(op, a, b))
    arithConstArray(op, a, b, out)
  } else if (typeof b === 'number') {
    arithArrayConst(op, a, b, out)
  } else {
    arithArrayArray(op, a, b, out)
  }
  return out
}

function arithArrayArray(
  op: ArithmeticOp,
  a: NumericArray,
  b: NumericArray,
  out: Float64Array,
): void {
  const n = out.length
  switch (op) {
    case '+':
      for (let i = 0; i < n; i++) out[i] = a[i] + b[i]
      return
    case '-':
      for (let i = 0; i < n; i++) out[i] = a[i] - b[i]
      return
    case '*':
      for (let i = 0; i < n; i++) out[i] = a[i] * b[i]
      return
    case '/':
      for (let i = 0; i < n; i++) {
        const y = b[i]
        out[i] = y === 0 ? NaN : a[i] / y
      }
      return
    case '%':
      for (let i = 0; i < n; i++) out[i] = a[i] % b[i]
      return
    case '**':
      for (let i = 0; i < n; i++) out[i] = a[i] ** b[i]
      return
  }
}

function arithArrayConst(op: ArithmeticOp, a: NumericArray, c: number, out: Float64Array): void {
  const n = out.length
  switch (op) {
    case '+':
      for (let i = 0; i < n; i++) out[i] = a[i] + c
      return
    case '-':
      for (let i = 0; i < n; i++) out[i] = a[i] - c
      return
    case '*':
      for (let i = 0; i < n; i++) out[i] = a[i] * c
      return
    case '/':
      if (c === 0) out.fill(NaN)
      else for (let i = 0; i < n; i++) out[i] = a[i] / c
      return
    case '%':
      for (let i = 0; i < n; i++) out[i] = a[i] % c
      return
    case '**':
      for (let i = 0; i < n; i++) out[i] = a[i] ** c
      return
  }
}

function arithConstArray(op: ArithmeticOp, c: number, b: NumericArray, out: Float64Array): void {
  const n = out.length
  switch (op) {
    case '+':
      for (let i = 0; i < n; i++) out[i] = c + b[i]
      return
    case '-':
      for (let i = 0; i < n; i++) out[i] = c - b[i]
      return
    case '*':
      for (let i = 0; i < n; i++) out[i] = c * b[i]
      return
    case '/':
      for (let i = 0; i < n; i++) {
        const y = b[i]
        out[i] = y === 0 ? NaN : c / y
      }
      return
    case '%':
      for (let i = 0; i < n; i++) out[i] = c % b[i]
      return
    case '**':
      for (let i = 0; i < n; i++) out[i] = c ** b[i]
      return
  }
}

/** The comparison that holds for (b, a) exactly when `op` holds for (a, b), NaN included. */
const MIRROR: Readonly<Record<ComparisonOp, ComparisonOp>> = {
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
  '==': '==',
  '!=': '!=',
}

/**
 * `a op b` elementwise into a 0/1 mask. Branch-free (`+(x > c)`): a
 * data-dependent branch mispredicts about half the time on a real cut and costs twice as much.
 */
export function compare(op: ComparisonOp, a: Operand, b: Operand, out: Uint8Array): Uint8Array {
  if (typeof a === 'number') {
    if (typeof b === 'number') return out.fill(compareScalar(op, a, b))
    compareArrayConst(MIRROR[op], b, a, out)
  } else if (typeof b === 'number') {
    compareArrayConst(op, a, b, out)
  } else {
    compareArrayArray(op, a, b, out)
  }
  return out
}

function compareArrayConst(op: ComparisonOp, a: NumericArray, c: number, out: Uint8Array): void {
  const n = out.length
  switch (op) {
    case '<':
      for (let i = 0; i < n; i++) out[i] = +(a[i] < c)
      return
    case '<=':
      for (let i = 0; i < n; i++) out[i] = +(a[i] <= c)
      return
    case '>':
      for (let i = 0; i < n; i++) out[i] = +(a[i] > c)
      return
    case '>=':
      for (let i = 0; i < n; i++) out[i] = +(a[i] >= c)
      return
    case '==':
      for (let i = 0; i < n; i++) out[i] = +(a[i] === c)
      return
    case '!=':
      for (let i = 0; i < n; i++) out[i] = +(a[i] !== c)
      return
  }
}

function compareArrayArray(
  op: ComparisonOp,
  a: NumericArray,
  b: NumericArray,
  out: Uint8Array,
): void {
  const n = out.length
  switch (op) {
    case '<':
      for (let i = 0; i < n; i++) out[i] = +(a[i] < b[i])
      return
    case '<=':
      for (let i = 0; i < n; i++) out[i] = +(a[i] <= b[i])
      return
    case '>':
      for (let i = 0; i < n; i++) out[i] = +(a[i] > b[i])
      return
    case '>=':
      for (let i = 0; i < n; i++) out[i] = +(a[i] >= b[i])
      return
    case '==':
      for (let i = 0; i < n; i++) out[i] = +(a[i] === b[i])
      return
    case '!=':
      for (let i = 0; i < n; i++) out[i] = +(a[i] !== b[i])
      return
  }
}

/** 0/1 truth of every value (non-zero and not NaN). */
export function truth(a: NumericArray, out: Uint8Array): Uint8Array {
  const n = out.length
  for (let i = 0; i < n; i++) {
    const v = a[i]
    out[i] = +(v !== 0) & +(v === v)
  }
  return out
}

/**
 * Logical and/or of 0/1 operands (a number operand is 0 or 1) into out — or, for `x && 1` and
 * `x || 0`, x itself (Vecs are immutable, so sharing is safe).
 */
export function logical(
  op: '&&' | '||',
  a: Uint8Array | number,
  b: Uint8Array | number,
  out: Uint8Array,
): Uint8Array {
  if (typeof a === 'number' && typeof b !== 'number') return logical(op, b, a, out)
  if (typeof a === 'number') return out.fill(op === '&&' ? a & (b as number) : a | (b as number))
  if (typeof b === 'number') return (op === '&&') === (b === 1) ? a : out.fill(b)
  const n = out.length
  if (op === '&&') for (let i = 0; i < n; i++) out[i] = a[i] & b[i]
  else for (let i = 0; i < n; i++) out[i] = a[i] | b[i]
  return out
}

/** Logical not of a 0/1 array. */
export function not(a: Uint8Array, out: Uint8Array): Uint8Array {
  const n = out.length
  for (let i = 0; i < n; i++) out[i] = a[i] ^ 1
  return out
}

export function negate(a: NumericArray, out: Float64Array): Float64Array {
  const n = out.length
  for (let i = 0; i < n; i++) out[i] = -a[i]
  return out
}

/** `c ? a : b` elementwise, c a 0/1 mask. */
export function select(c: Uint8Array, a: Operand, b: Operand, out: Float64Array): Float64Array {
  const n = out.length
  if (typeof a === 'number') {
    if (typeof b === 'number') for (let i = 0; i < n; i++) out[i] = c[i] ? a : b
    else for (let i = 0; i < n; i++) out[i] = c[i] ? a : b[i]
  } else if (typeof b === 'number') {
    for (let i = 0; i < n; i++) out[i] = c[i] ? a[i] : b
  } else {
    for (let i = 0; i < n; i++) out[i] = c[i] ? a[i] : b[i]
  }
  return out
}

/**
 * `fn` applied elementwise into out (at least one operand an array). One- and
 * two-argument calls get their own loops; longer ones (deltaR, invMass) gather arguments per
 * element, which costs more but they are not on the cut fast path.
 */
export function map(
  fn: (...args: number[]) => number,
  args: readonly Operand[],
  out: Float64Array,
): Float64Array {
  const n = out.length
  const [a, b] = args
  if (args.length === 1 && typeof a !== 'number') {
    for (let i = 0; i < n; i++) out[i] = fn(a[i])
    return out
  }
  if (args.length === 2) {
    // `max(x, 0)`-style calls with one constant are common enough for their own loops.
    if (typeof a !== 'number' && typeof b !== 'number') {
      for (let i = 0; i < n; i++) out[i] = fn(a[i], b[i])
    } else if (typeof a !== 'number' && typeof b === 'number') {
      for (let i = 0; i < n; i++) out[i] = fn(a[i], b)
    } else if (typeof a === 'number' && typeof b !== 'number') {
      for (let i = 0; i < n; i++) out[i] = fn(a, b[i])
    } else {
      out.fill(fn(a as number, b as number))
    }
    return out
  }
  const k = args.length
  const buf = new Array<number>(k)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const x = args[j]
      buf[j] = typeof x === 'number' ? x : x[i]
    }
    out[i] = fn(...buf)
  }
  return out
}
