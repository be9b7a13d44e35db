/** Small hand-made event tables for the select tests. */
import type { Column, FlatColumn, JaggedColumn } from '../../../src/shared/column'

export function flat(values: number[], array: 'f64' | 'f32' | 'i32' = 'f64'): FlatColumn {
  if (array === 'f32') return { kind: 'flat', type: 'float32', values: Float32Array.from(values) }
  if (array === 'i32') return { kind: 'flat', type: 'int32', values: Int32Array.from(values) }
  return { kind: 'flat', type: 'float64', values: Float64Array.from(values) }
}

export function jagged(lists: number[][], array: 'f64' | 'f32' = 'f64'): JaggedColumn {
  const offsets = new Int32Array(lists.length + 1)
  lists.forEach((l, i) => (offsets[i + 1] = offsets[i] + l.length))
  const all = lists.flat()
  return array === 'f32'
    ? { kind: 'jagged', type: 'float32', offsets, values: Float32Array.from(all) }
    : { kind: 'jagged', type: 'float64', offsets, values: Float64Array.from(all) }
}

/** Per-event lists of a jagged column (or values of a flat one) as plain arrays. */
export function lists(c: Column): number[][] {
  if (c.kind === 'flat') return Array.from(c.values, (v) => [v])
  return Array.from({ length: c.offsets.length - 1 }, (_, i) =>
    Array.from(c.values.subarray(c.offsets[i], c.offsets[i + 1])),
  )
}

/** Five events: two jet collections' worth of values with an empty event and a NaN. */
export const EVENTS = {
  MET_pt: flat([50, 20, 80, NaN, 0]),
  HT: flat([300, 40, 0, 120, 90], 'f32'),
  nSel: flat([0, 1, 2, 5, -1], 'i32'),
  Jet_pt: jagged([[120, 45, 20], [], [35], [60, 31, 29, 10], [25]], 'f32'),
  Jet_eta: jagged([[0.5, -2.6, 1], [], [3], [-0.1, 2.0, 0, 4.5], [-2.3]]),
  Jet_phi: jagged([[0.1, 3.0, -3.0], [], [1.5], [0, 1, 2, 3], [-1]]),
  Jet_mass: jagged([[10, 5, 4], [], [6], [8, 5, 5, 2], [3]]),
  Muon_pt: jagged([[40], [25, 15], [], [], [30, 20]]),
  Muon_phi: jagged([[1.0], [0.5, -2], [], [], [3, -3]]),
} satisfies Record<string, Column>
