/**
 * Small dense linear algebra on row-major Float64Array matrices (n ≤ a few hundred): Cholesky,
 * SPD inverse and solves. Written here rather than through ml-matrix so the minimiser's inner
 * loop works on the same flat arrays without copies.
 */

/**
 * In-place Cholesky factor L (lower triangle, row-major) of the SPD matrix `a` (n × n).
 * Returns false if `a` is not positive definite.
 */
export function cholesky(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const rj = j * n
    let d = a[rj + j]
    for (let k = 0; k < j; k++) d -= a[rj + k] * a[rj + k]
    if (!(d > 0) || !Number.isFinite(d)) return false
    d = Math.sqrt(d)
    a[rj + j] = d
    for (let i = j + 1; i < n; i++) {
      const ri = i * n
      let s = a[ri + j]
      for (let k = 0; k < j; k++) s -= a[ri + k] * a[rj + k]
      a[ri + j] = s / d
    }
    for (let k = j + 1; k < n; k++) a[rj + k] = 0
  }
  return true
}

/** Solves L Lᵀ x = b in place (b becomes x) given the Cholesky factor from `cholesky`. */
export function choleskySolve(L: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = b[i]
    const ri = i * n
    for (let k = 0; k < i; k++) s -= L[ri + k] * b[k]
    b[i] = s / L[ri + i]
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * b[k]
    b[i] = s / L[i * n + i]
  }
}

/**
 * Inverse of an SPD matrix (n × n), or null when it is not positive definite:
 * A⁻¹ = L⁻ᵀ L⁻¹ from the Cholesky factor, ~n³/2 flops with row-major inner loops.
 */
export function invertSpd(a: Float64Array, n: number): Float64Array | null {
  const L = Float64Array.from(a)
  if (!cholesky(L, n)) return null
  // W = L⁻¹ (lower triangular): row i = −(Σ_{k<i} L[i][k] · row k) / L[i][i], as row axpys.
  const W = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    const ri = i * n
    for (let k = 0; k < i; k++) {
      const c = L[ri + k]
      if (c === 0) continue
      const rk = k * n
      for (let j = 0; j <= k; j++) W[ri + j] += c * W[rk + j]
    }
    const d = L[ri + i]
    for (let j = 0; j < i; j++) W[ri + j] = -W[ri + j] / d
    W[ri + i] = 1 / d
  }
  // A⁻¹[i][j] = Σ_{k ≥ max(i,j)} W[k][i] W[k][j]; accumulate row k's outer product.
  const inv = new Float64Array(n * n)
  for (let k = 0; k < n; k++) {
    const rk = k * n
    for (let i = 0; i <= k; i++) {
      const wki = W[rk + i]
      if (wki === 0) continue
      const ri = i * n
      for (let j = 0; j <= i; j++) inv[ri + j] += wki * W[rk + j]
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) inv[j * n + i] = inv[i * n + j]
  return inv
}

/**
 * Inverse of a symmetric matrix made positive definite if needed: adds the smallest diagonal
 * shift λ·max|diag| (λ = 1e-10, ×10 each try) that lets Cholesky through. Returns the inverse
 * and the shift used (0 when none was needed).
 */
export function invertSpdRegularised(
  a: Float64Array,
  n: number,
): { inv: Float64Array; shift: number } {
  let inv = invertSpd(a, n)
  if (inv) return { inv, shift: 0 }
  let scale = 0
  for (let i = 0; i < n; i++) scale = Math.max(scale, Math.abs(a[i * n + i]))
  if (!(scale > 0)) scale = 1
  const b = Float64Array.from(a)
  for (let lam = 1e-10; lam < 1e3; lam *= 10) {
    for (let i = 0; i < n; i++) b[i * n + i] = a[i * n + i] + lam * scale
    inv = invertSpd(b, n)
    if (inv) return { inv, shift: lam * scale }
  }
  const id = new Float64Array(n * n)
  for (let i = 0; i < n; i++) id[i * n + i] = 1 / scale
  return { inv: id, shift: Infinity }
}

/** Extracts the sub-matrix of `a` (n × n) on indices `idx`. */
export function subMatrix(a: Float64Array, n: number, idx: ArrayLike<number>): Float64Array {
  const m = idx.length
  const out = new Float64Array(m * m)
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) out[i * m + j] = a[idx[i] * n + idx[j]]
  return out
}

/** Solves the small dense system A x = b (Gaussian elimination with partial pivoting). */
export function solveSmall(a: Float64Array, b: Float64Array, n: number): Float64Array | null {
  const A = Float64Array.from(a)
  const x = Float64Array.from(b)
  for (let c = 0; c < n; c++) {
    let p = c
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r * n + c]) > Math.abs(A[p * n + c])) p = r
    if (A[p * n + c] === 0) return null
    if (p !== c) {
      for (let k = 0; k < n; k++) {
        const t = A[c * n + k]
        A[c * n + k] = A[p * n + k]
        A[p * n + k] = t
      }
      const t = x[c]
      x[c] = x[p]
      x[p] = t
    }
    for (let r = c + 1; r < n; r++) {
      const f = A[r * n + c] / A[c * n + c]
      if (f === 0) continue
      for (let k = c; k < n; k++) A[r * n + k] -= f * A[c * n + k]
      x[r] -= f * x[c]
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r]
    for (let k = r + 1; k < n; k++) s -= A[r * n + k] * x[k]
    x[r] = s / A[r * n + r]
  }
  return x
}
