/**
 * Exclusion contours from CLs at scattered signal points (a patchset's (m1, m2) grid is not a
 * regular lattice): Delaunay triangulation of the points (Bowyer–Watson, in coordinates scaled
 * to the unit square so that GeV on both axes weigh alike whatever the ranges), the CLs of each
 * point turned into a significance Z = Φ⁻¹(1 − CLs) (HistFitter's choice: nearly linear in the
 * masses where CLs spans decades), linear interpolation of Z inside each triangle, and marching
 * triangles for the Z = Φ⁻¹(1 − α) line, after trimming slivers that bridge concave stretches of
 * the outline (trimHull: no interpolation where no point was generated). Z is monotone in CLs, so a crossing lies on an edge
 * only between two points whose CLs straddle α, and the line passes exactly through a point
 * whose CLs equals α. The ±1σ band is the set where one expected field excludes and the other
 * does not: in each triangle both fields are linear, so it is the triangle clipped by two half
 * planes — convex polygons, exact for the interpolation.
 */
import { normalQuantile } from './special'

export type XY = [number, number]

/** Triangles as index triples into the points, counter-clockwise. */
export type Triangle = [number, number, number]

/**
 * Delaunay triangulation of `points` (duplicates keep their first occurrence; fewer than three
 * distinct, non-collinear points give none). O(n²) for n points — fine for signal grids of a few
 * thousand points.
 */
export function delaunay(points: readonly XY[]): Triangle[] {
  const n = points.length
  if (n < 3) return []
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity]
  for (const [x, y] of points) {
    x0 = Math.min(x0, x)
    y0 = Math.min(y0, y)
    x1 = Math.max(x1, x)
    y1 = Math.max(y1, y)
  }
  const sx = x1 > x0 ? x1 - x0 : 1
  const sy = y1 > y0 ? y1 - y0 : 1
  // Scaled copies and a super-triangle far outside the unit square (indices n, n+1, n+2).
  const px: number[] = points.map((p) => (p[0] - x0) / sx)
  const py: number[] = points.map((p) => (p[1] - y0) / sy)
  // Far enough that no super vertex falls inside the circumcircle of a flat triangle on the
  // hull (radius ~ L²/8h), which would leave that triangle out of the result.
  px.push(-1e7, 1e7, 0.5)
  py.push(-1e7, -1e7, 1e7)
  interface Tri {
    v: Triangle
    cx: number
    cy: number
    r2: number
  }
  const make = (a: number, b: number, c: number): Tri | null => {
    // Counter-clockwise order, circumcircle.
    const ax = px[a]
    const ay = py[a]
    const d = 2 * (ax * (py[b] - py[c]) + px[b] * (py[c] - ay) + px[c] * (ay - py[b]))
    if (d === 0) return null
    const a2 = ax * ax + ay * ay
    const b2 = px[b] * px[b] + py[b] * py[b]
    const c2 = px[c] * px[c] + py[c] * py[c]
    const cx = (a2 * (py[b] - py[c]) + b2 * (py[c] - ay) + c2 * (ay - py[b])) / d
    const cy = (a2 * (px[c] - px[b]) + b2 * (ax - px[c]) + c2 * (px[b] - ax)) / d
    const v: Triangle = d > 0 ? [a, b, c] : [a, c, b]
    return { v, cx, cy, r2: (ax - cx) ** 2 + (ay - cy) ** 2 }
  }
  let tris: Tri[] = [make(n, n + 1, n + 2)!]
  const seen = new Set<string>()
  for (let i = 0; i < n; i++) {
    const key = `${px[i]},${py[i]}`
    if (seen.has(key)) continue
    seen.add(key)
    const bad: Tri[] = []
    const keep: Tri[] = []
    for (const t of tris) {
      const d2 = (px[i] - t.cx) ** 2 + (py[i] - t.cy) ** 2
      // Strictly inside, by an absolute margin in unit-square coordinates: a point on the
      // circle (a lattice's cocircular four) keeps the triangle, and a point on the line of a
      // hull edge is not "inside" the huge circle through that edge and a super vertex.
      if (d2 - t.r2 < -1e-12) bad.push(t)
      else keep.push(t)
    }
    // The boundary of the cavity: edges of exactly one bad triangle.
    const edges = new Map<string, [number, number] | null>()
    for (const t of bad)
      for (let k = 0; k < 3; k++) {
        const a = t.v[k]
        const b = t.v[(k + 1) % 3]
        const key2 = a < b ? `${a}:${b}` : `${b}:${a}`
        edges.set(key2, edges.has(key2) ? null : [a, b])
      }
    for (const e of edges.values()) {
      if (!e) continue
      const t = make(e[0], e[1], i)
      if (t) keep.push(t)
    }
    tris = keep
  }
  return tris.filter((t) => t.v.every((k) => k < n)).map((t) => t.v)
}

/**
 * Removes, from the outside in, the triangles that bridge a concave stretch of the points'
 * outline: a triangle with an edge on the boundary of the triangulation whose opposite angle is
 * wider than `maxAngle` degrees (in the unit-square scaling delaunay() uses) — a sliver across
 * e.g. the kinematic diagonal m1 ≈ m2 of a SUSY grid, where no point was generated and the
 * convex hull would otherwise spread interpolated CLs. A lattice's boundary triangles (right
 * angles at most) are never removed, nor a sparse grid's merely thin triangles (the 1Lbb subset's
 * widest is 120°); the 1Lbb grid's slivers along its diagonal are 150–170°.
 */
export function trimHull(
  points: readonly XY[],
  triangles: readonly Triangle[],
  maxAngle = 135,
): Triangle[] {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity]
  for (const [x, y] of points) {
    x0 = Math.min(x0, x)
    y0 = Math.min(y0, y)
    x1 = Math.max(x1, x)
    y1 = Math.max(y1, y)
  }
  const sx = x1 > x0 ? x1 - x0 : 1
  const sy = y1 > y0 ? y1 - y0 : 1
  const cosMax = Math.cos((maxAngle * Math.PI) / 180)
  /** cos of the angle at vertex c of the triangle (a, b, c). */
  const cosAt = (a: number, b: number, c: number): number => {
    const ux = (points[a][0] - points[c][0]) / sx
    const uy = (points[a][1] - points[c][1]) / sy
    const vx = (points[b][0] - points[c][0]) / sx
    const vy = (points[b][1] - points[c][1]) / sy
    return (ux * vx + uy * vy) / Math.sqrt((ux * ux + uy * uy) * (vx * vx + vy * vy))
  }
  const key = (a: number, b: number): string => (a < b ? `${a}:${b}` : `${b}:${a}`)
  const alive = triangles.map(() => true)
  const count = new Map<string, number>()
  for (const t of triangles)
    for (let k = 0; k < 3; k++) {
      const e = key(t[k], t[(k + 1) % 3])
      count.set(e, (count.get(e) ?? 0) + 1)
    }
  for (let changed = true; changed;) {
    changed = false
    triangles.forEach((t, i) => {
      if (!alive[i]) return
      for (let k = 0; k < 3; k++) {
        const a = t[k]
        const b = t[(k + 1) % 3]
        const c = t[(k + 2) % 3]
        if (count.get(key(a, b)) !== 1 || !(cosAt(a, b, c) < cosMax)) continue
        alive[i] = false
        changed = true
        for (let m = 0; m < 3; m++) {
          const e = key(t[m], t[(m + 1) % 3])
          count.set(e, count.get(e)! - 1)
        }
        return
      }
    })
  }
  return triangles.filter((_, i) => alive[i])
}

/** |Z| at most this: CLs = 0 (underflow far inside the excluded region) stays a finite value. */
const Z_MAX = 40

/**
 * Z = Φ⁻¹(1 − CLs) = −Φ⁻¹(CLs) (accurate for tiny CLs), within ±Z_MAX; NaN for a CLs that is
 * not a number (a point left out of the triangles it touches).
 */
export function clsToZ(cls: number): number {
  if (Number.isNaN(cls)) return NaN
  if (cls <= 0) return Z_MAX
  if (cls >= 1) return -Z_MAX
  return Math.max(-Z_MAX, Math.min(Z_MAX, -normalQuantile(cls)))
}

/** A point where the line crosses the edge between points `a` and `b` (a < b). */
export interface Crossing {
  a: number
  b: number
  at: XY
}

export interface ContourPolyline {
  points: XY[]
  closed: boolean
  /** The edge each point lies on (same order as `points`). */
  crossings: Crossing[]
}

/**
 * The line where the linear interpolation of `values` over `triangles` equals `level`, as
 * polylines (marching triangles). A vertex is "above" when its value ≥ level; a triangle with
 * vertices on both sides contributes one segment between its two mixed edges; segments are
 * joined through shared edges. Vertices with a non-finite value leave their triangles out.
 */
export function contourLines(
  points: readonly XY[],
  values: readonly number[],
  triangles: readonly Triangle[],
  level: number,
): ContourPolyline[] {
  const crossingOf = new Map<string, Crossing>()
  const edgeKey = (a: number, b: number): string => (a < b ? `${a}:${b}` : `${b}:${a}`)
  const crossing = (i: number, j: number): string => {
    const key = edgeKey(i, j)
    if (!crossingOf.has(key)) {
      const [a, b] = i < j ? [i, j] : [j, i]
      const t = (level - values[a]) / (values[b] - values[a])
      const at: XY = [
        points[a][0] + t * (points[b][0] - points[a][0]),
        points[a][1] + t * (points[b][1] - points[a][1]),
      ]
      crossingOf.set(key, { a, b, at })
    }
    return key
  }
  // Segment ends keyed by edge; each edge is shared by at most two triangles.
  const segments: [string, string][] = []
  for (const t of triangles) {
    if (!t.every((k) => Number.isFinite(values[k]))) continue
    const above = t.map((k) => values[k] >= level)
    const mixed: string[] = []
    for (let k = 0; k < 3; k++) {
      const i = t[k]
      const j = t[(k + 1) % 3]
      if (above[k] !== above[(k + 1) % 3]) mixed.push(crossing(i, j))
    }
    if (mixed.length === 2) segments.push([mixed[0], mixed[1]])
  }
  const byEdge = new Map<string, number[]>()
  segments.forEach(([e1, e2], s) => {
    for (const e of [e1, e2]) byEdge.set(e, [...(byEdge.get(e) ?? []), s])
  })
  const used = new Uint8Array(segments.length)
  const walk = (start: string, from: number): string[] => {
    const chain = [start]
    let edge = start
    let seg = from
    for (;;) {
      used[seg] = 1
      const [e1, e2] = segments[seg]
      edge = e1 === edge ? e2 : e1
      chain.push(edge)
      const next = (byEdge.get(edge) ?? []).find((s) => !used[s])
      if (next === undefined) return chain
      seg = next
    }
  }
  const out: ContourPolyline[] = []
  const emit = (chain: string[]): void => {
    const closed = chain.length > 2 && chain[0] === chain[chain.length - 1]
    const keys = closed ? chain.slice(0, -1) : chain
    const crossings = keys.map((k) => crossingOf.get(k)!)
    out.push({ points: crossings.map((c) => c.at), closed, crossings })
  }
  // Open lines start at an edge with one segment (the hull); what is left are closed loops.
  for (const [edge, segs] of byEdge)
    if (segs.length === 1 && !used[segs[0]]) emit(walk(edge, segs[0]))
  segments.forEach((s, i) => {
    if (!used[i]) emit(walk(s[0], i))
  })
  return out
}

/** Sutherland–Hodgman: the part of polygon `poly` where the linear function f ≥ 0 (f at each vertex given). */
function clip(poly: { p: XY; f: number[] }[], k: number, sign: 1 | -1): { p: XY; f: number[] }[] {
  const out: { p: XY; f: number[] }[] = []
  for (let i = 0; i < poly.length; i++) {
    const cur = poly[i]
    const nxt = poly[(i + 1) % poly.length]
    const inC = sign * cur.f[k] >= 0
    const inN = sign * nxt.f[k] >= 0
    if (inC) out.push(cur)
    if (inC !== inN) {
      const t = cur.f[k] / (cur.f[k] - nxt.f[k])
      out.push({
        p: [cur.p[0] + t * (nxt.p[0] - cur.p[0]), cur.p[1] + t * (nxt.p[1] - cur.p[1])],
        f: cur.f.map((v, m) => v + t * (nxt.f[m] - v)),
      })
    }
  }
  return out
}

/**
 * The region where `upper` ≥ level > `lower` (both interpolated linearly over the triangles), as
 * one convex polygon per triangle that has some of it. For the ±1σ band: upper = Z of the −1σ
 * expected CLs, lower = Z of the +1σ one.
 */
export function bandPolygons(
  points: readonly XY[],
  upper: readonly number[],
  lower: readonly number[],
  triangles: readonly Triangle[],
  level: number,
): XY[][] {
  const out: XY[][] = []
  for (const t of triangles) {
    if (!t.every((k) => Number.isFinite(upper[k]) && Number.isFinite(lower[k]))) continue
    let poly = t.map((k) => ({ p: points[k], f: [upper[k] - level, lower[k] - level] }))
    poly = clip(poly, 0, 1)
    if (poly.length) poly = clip(poly, 1, -1)
    if (poly.length >= 3) out.push(poly.map((v) => v.p))
  }
  return out
}
