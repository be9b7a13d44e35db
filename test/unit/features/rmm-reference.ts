/**
 * A plain four-vector rapidity–mass matrix for the tests, written independently of the
 * expression builder: objects as (px, py, pz, E), rapidity as atanh(pz/E), masses from the summed
 * four-vector, the matrix filled object by object as the paper describes it.
 */

export interface P4 {
  px: number
  py: number
  pz: number
  e: number
}

/** Four-vector of (pT, η, φ, m) in GeV and rad. */
export function p4(pt: number, eta: number, phi: number, m: number): P4 {
  const pz = pt * Math.sinh(eta)
  return {
    px: pt * Math.cos(phi),
    py: pt * Math.sin(phi),
    pz,
    e: Math.sqrt(pt * pt + pz * pz + m * m),
  }
}

const ptOf = (p: P4) => Math.hypot(p.px, p.py)
/** E sin θ (ROOT's TLorentzVector::Et). */
const etOf = (p: P4) => (p.e * ptOf(p)) / Math.hypot(p.px, p.py, p.pz)
const rapidityOf = (p: P4) => Math.atanh(p.pz / p.e)
const massOf = (a: P4, b: P4) => {
  const e = a.e + b.e
  const x = a.px + b.px
  const y = a.py + b.py
  const z = a.pz + b.pz
  return Math.sqrt(Math.max(0, e * e - x * x - y * y - z * z))
}
/** Transverse mass of p with a massless MET: (E_T' + MET)² − |p⃗_T + MET⃗|², E_T' = √(pT² + m²). */
const mtOf = (p: P4, met: number, metPhi: number) => {
  const m2 = p.e * p.e - p.px * p.px - p.py * p.py - p.pz * p.pz
  const et = Math.sqrt(ptOf(p) ** 2 + m2)
  const x = p.px + met * Math.cos(metPhi)
  const y = p.py + met * Math.sin(metPhi)
  return Math.sqrt(Math.max(0, (et + met) ** 2 - x * x - y * y))
}

/**
 * The RMM of one event: `types[t][k]` is the k-th object slot of collection t (null: empty);
 * MET (GeV, rad); √s in GeV.
 */
export function referenceRmm(
  types: (P4 | null)[][],
  met: number,
  metPhi: number,
  sqrtS: number,
): number[][] {
  const objects = types.flatMap((list, t) => list.map((p, k) => ({ p, t, k })))
  const n = 1 + objects.length
  const m = Array.from({ length: n }, () => new Array<number>(n).fill(0))
  m[0][0] = met / sqrtS
  objects.forEach((a, ia) => {
    const r = ia + 1
    if (!a.p) return
    if (met > 0) m[0][r] = mtOf(a.p, met, metPhi) / sqrtS
    m[r][0] = Math.cosh(rapidityOf(a.p)) - 1
    if (a.k === 0) m[r][r] = etOf(a.p) / sqrtS
    else {
      const prev = types[a.t][a.k - 1] as P4
      m[r][r] = (etOf(prev) - etOf(a.p)) / (etOf(prev) + etOf(a.p))
    }
    objects.forEach((b, ib) => {
      const c = ib + 1
      if (!b.p || c === r) return
      if (r < c) m[r][c] = massOf(a.p as P4, b.p) / sqrtS
      else m[r][c] = Math.cosh((rapidityOf(a.p as P4) - rapidityOf(b.p)) / 2) - 1
    })
  })
  return m
}

/** `list` padded (or cut) to `n` slots with null. */
export function pad<T>(list: readonly T[], n: number): (T | null)[] {
  return Array.from({ length: n }, (_, k) => (k < list.length ? list[k] : null))
}

/** |actual − expected| ≤ tol · max(1, |expected|) for every cell; throws naming the cell. */
export function expectMatrixClose(
  actual: readonly (readonly (number | null)[])[],
  expected: readonly (readonly number[])[],
  what: string,
  tol = 1e-9,
): void {
  if (actual.length !== expected.length)
    throw new Error(`${what}: ${actual.length} rows, expected ${expected.length}`)
  expected.forEach((row, r) =>
    row.forEach((x, c) => {
      const a = actual[r][c]
      if (a === null || !(Math.abs(a - x) <= tol * Math.max(1, Math.abs(x))))
        throw new Error(`${what}: cell [${r}][${c}] is ${a}, expected ${x}`)
    }),
  )
}
