/**
 * Exclusion contours (stats/contour.ts): the Delaunay triangulation is one (empty circumcircles,
 * the triangles tile the convex hull), marching triangles reproduces a linear field's level line
 * exactly and joins it into one polyline, every crossing of the 1Lbb grid's CLs = 0.05 lines lies
 * between two points whose CLs straddle 0.05, and the ±1σ band is the strip between two lines.
 */
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { runSignalGrid } from '../../../src/main/engine/app/signal-grid'
import { silentContext } from '../../../src/main/engine/jobs/context'
import {
  bandPolygons,
  clsToZ,
  contourLines,
  delaunay,
  trimHull,
  type Triangle,
  type XY,
} from '../../../src/main/engine/stats/contour'
import { DATA, itShared } from '../io/shared-data'

/** Deterministic points in the unit square (a linear congruential generator), corners first. */
function points(n: number, seed = 7): XY[] {
  let s = seed
  const rnd = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  const out: XY[] = [
    [0, 0],
    [1, 0],
    [1, 1],
    [0, 1],
  ]
  while (out.length < n) out.push([rnd(), rnd()])
  return out
}

const area = (p: XY[]): number =>
  Math.abs(
    p.reduce((a, [x, y], i) => a + x * p[(i + 1) % p.length][1] - p[(i + 1) % p.length][0] * y, 0),
  ) / 2

/** Convex hull (Andrew's monotone chain), counter-clockwise. */
function hull(pts: XY[]): XY[] {
  const p = [...pts].sort((a, b) => a[0] - b[0] || a[1] - b[1])
  const cross = (o: XY, a: XY, b: XY) =>
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
  const half = (list: XY[]): XY[] => {
    const h: XY[] = []
    for (const q of list) {
      while (h.length >= 2 && cross(h[h.length - 2], h[h.length - 1], q) <= 0) h.pop()
      h.push(q)
    }
    return h.slice(0, -1)
  }
  return [...half(p), ...half([...p].reverse())]
}

const triArea = (xy: XY[], t: Triangle): number => area(t.map((k) => xy[k]))

describe('Delaunay triangulation', () => {
  it('no point inside any circumcircle, and the triangles tile the hull (the unit square)', () => {
    const xy = points(60)
    const tri = delaunay(xy)
    expect(tri.length).toBe(2 * 60 - 2 - 4) // 2n − 2 − h with the 4 corners on the hull
    expect(tri.reduce((a, t) => a + triArea(xy, t), 0)).toBeCloseTo(1, 12)
    for (const [a, b, c] of tri) {
      const [ax, ay] = xy[a]
      const [bx, by] = xy[b]
      const [cx, cy] = xy[c]
      for (let p = 0; p < xy.length; p++) {
        if (p === a || p === b || p === c) continue
        const [dx, dy] = xy[p]
        // The in-circle determinant (> 0 inside for counter-clockwise triangles).
        const m = [
          [ax - dx, ay - dy, (ax - dx) ** 2 + (ay - dy) ** 2],
          [bx - dx, by - dy, (bx - dx) ** 2 + (by - dy) ** 2],
          [cx - dx, cy - dy, (cx - dx) ** 2 + (cy - dy) ** 2],
        ]
        const det =
          m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
          m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
          m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
        expect(det).toBeLessThan(1e-12)
      }
    }
  })

  it('axes of different ranges (GeV from 0 to 1000 and 0 to 50) triangulate as the scaled square', () => {
    const xy = points(30)
    const scaled: XY[] = xy.map(([x, y]) => [1000 * x, 50 * y])
    expect(delaunay(scaled)).toEqual(delaunay(xy))
  })

  it('a regular lattice (cocircular and collinear points everywhere) tiles the square', () => {
    const xy: XY[] = []
    for (let i = 0; i < 10; i++) for (let j = 0; j < 10; j++) xy.push([i / 9, j / 9])
    const tri = delaunay(xy)
    expect(tri).toHaveLength(2 * 81)
    expect(tri.reduce((a, t) => a + triArea(xy, t), 0)).toBeCloseTo(1, 12)
  })

  itShared('the 125 (m1, m2) points of the full 1Lbb patchset tile their convex hull', (shared) => {
    const sets = JSON.parse(
      gunzipSync(
        readFileSync(`${shared}hepdata-pyhf-extractor_1Lbb/patchsets_v1.json.gz`),
      ).toString(),
    ) as { patches: { metadata: { values: XY } }[] }[]
    const xy = sets[0].patches.map((p) => p.metadata.values)
    expect(xy).toHaveLength(125)
    const tri = delaunay(xy)
    expect(tri.reduce((a, t) => a + triArea(xy, t), 0)).toBeCloseTo(area(hull(xy)), 6)
  })

  it('trimHull removes the slivers across a concave outline and keeps a lattice whole', () => {
    // A staircase: the lattice points with i + j ≤ 9 and the 45° line above them, as a SUSY
    // grid stops at the kinematic diagonal.
    const xy: XY[] = []
    for (let i = 0; i < 10; i++) for (let j = 0; i + j <= 9; j++) xy.push([i, j])
    xy.push([0, 12], [3, 12])
    const full = delaunay(xy)
    const trimmed = trimHull(xy, full)
    expect(trimmed.length).toBeLessThan(full.length)
    // What is left has no angle over 135° opposite an outline edge, and the lattice's
    // triangles (area 45 / 0.5 = 90 of them below the diagonal) are all kept.
    const inLattice = trimmed.filter((t) => t.every((k) => xy[k][0] + xy[k][1] <= 9))
    expect(inLattice).toHaveLength(81)
    const lattice: XY[] = []
    for (let i = 0; i < 10; i++) for (let j = 0; j < 10; j++) lattice.push([i, j])
    expect(trimHull(lattice, delaunay(lattice))).toHaveLength(162)
  })

  it('duplicates and fewer than three points', () => {
    expect(
      delaunay([
        [0, 0],
        [1, 1],
      ]),
    ).toEqual([])
    const tri = delaunay([
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 0],
    ])
    expect(tri).toHaveLength(1)
  })
})

describe('marching triangles', () => {
  it("a linear field's level line is reproduced exactly, as one open polyline across the hull", () => {
    const xy = points(80)
    const f = xy.map(([x, y]) => x + 2 * y - 1.2)
    const lines = contourLines(xy, f, delaunay(xy), 0)
    expect(lines).toHaveLength(1)
    expect(lines[0].closed).toBe(false)
    for (const [x, y] of lines[0].points) expect(x + 2 * y - 1.2).toBeCloseTo(0, 12)
    // It runs from one side of the square to another.
    const ends = [lines[0].points[0], lines[0].points.at(-1)!]
    for (const [x, y] of ends) expect(Math.min(x, y, 1 - x, 1 - y)).toBeLessThan(1e-12)
  })

  it('a closed loop around a peak', () => {
    const xy = points(150)
    const f = xy.map(([x, y]) => 1 - 10 * ((x - 0.5) ** 2 + (y - 0.5) ** 2))
    const lines = contourLines(xy, f, delaunay(xy), 0)
    expect(lines).toHaveLength(1)
    expect(lines[0].closed).toBe(true)
    expect(area(lines[0].points)).toBeGreaterThan(0.25) // π/10 ≈ 0.314 for the true circle
    expect(area(lines[0].points)).toBeLessThan(0.32)
  })

  it('the ±1σ band between two linear fields is the strip between their lines', () => {
    const xy = points(50)
    const upper = xy.map(([x]) => x - 0.4)
    const lower = xy.map(([x]) => x - 0.6)
    const band = bandPolygons(xy, upper, lower, delaunay(xy), 0)
    expect(band.reduce((a, p) => a + area(p), 0)).toBeCloseTo(0.2, 12)
    for (const p of band) for (const [x] of p) expect(x).toBeGreaterThanOrEqual(0.4 - 1e-12)
  })

  it('CLs = 0 (underflow) and 1 stay finite in Z; NaN leaves the point out', () => {
    expect(clsToZ(0)).toBe(40)
    expect(clsToZ(1)).toBe(-40)
    expect(clsToZ(0.05)).toBeCloseTo(1.6448536269514722, 12)
    // Φ⁻¹(1e-300) ≈ −37.047: accurate in the tail, where 1 − CLs would round to 1.
    expect(clsToZ(1e-300)).toBeCloseTo(37.047, 2)
    expect(clsToZ(NaN)).toBeNaN()
  })
})

describe('contours of the 1Lbb subset grid (9 points)', () => {
  it('every crossing lies on the segment between two points whose CLs straddle 0.05', async () => {
    const grid = await runSignalGrid(
      {
        workspace: `${DATA}hepdata-pyhf-extractor_1Lbb/1Lbb_BkgOnly.json`,
        patchset: `${DATA}hepdata-pyhf-extractor_1Lbb/1Lbb_patchset_subset.json`,
      },
      silentContext(),
    )
    const xy: XY[] = grid.points.map((p) => [p.values.m1 as number, p.values.m2 as number])
    const tri = delaunay(xy)
    const level = clsToZ(0.05)
    let crossings = 0
    for (const pick of [
      (k: number) => grid.points[k].hypotest!.clsObs!,
      ...[0, 1, 2, 3, 4].map((e) => (k: number) => grid.points[k].hypotest!.clsExp[e]!),
    ]) {
      const cls = grid.points.map((_, k) => pick(k))
      const lines = contourLines(xy, cls.map(clsToZ), tri, level)
      for (const l of lines)
        for (const c of l.crossings) {
          crossings++
          expect((cls[c.a] - 0.05) * (cls[c.b] - 0.05)).toBeLessThanOrEqual(0)
          // On the segment a–b.
          const [ax, ay] = xy[c.a]
          const [bx, by] = xy[c.b]
          const t =
            Math.abs(bx - ax) > Math.abs(by - ay)
              ? (c.at[0] - ax) / (bx - ax)
              : (c.at[1] - ay) / (by - ay)
          expect(t).toBeGreaterThanOrEqual(0)
          expect(t).toBeLessThanOrEqual(1)
          expect(c.at[0]).toBeCloseTo(ax + t * (bx - ax), 9)
          expect(c.at[1]).toBeCloseTo(ay + t * (by - ay), 9)
        }
    }
    // The subset has excluded and allowed points: the lines exist.
    expect(crossings).toBeGreaterThan(0)
    expect(grid.contours!.expected.lines.length).toBeGreaterThan(0)
    expect(grid.contours!.band.length).toBeGreaterThan(0)
  }, 30_000)
})
