// Cuts a pandas "fixed" HDF5 frame (group `frame`) to its first N rows, keeping every dataset
// and attribute: node cut-pandas-frame.mjs SRC DST N (used by make.sh).
import h5wasm from 'h5wasm/node'
await h5wasm.ready
const [src, dst, nArg] = process.argv.slice(2)
const N = Number(nArg)
const a = new h5wasm.File(src, 'r')
const b = new h5wasm.File(dst, 'w')
function copyAttrs(from, to) {
  for (const [name, at] of Object.entries(from.attrs)) {
    // PyTables' numpy bool (an HDF5 enum h5wasm cannot write) becomes an int8 of the same value.
    const bool = at.dtype === 'unknown'
    const value = bool ? Number(at.value) : (at.value ?? '')
    to.create_attribute(name, value, at.shape?.length ? at.shape : null, bool ? '<b' : at.dtype)
  }
}
const g = a.get('frame')
const h = b.create_group('frame')
copyAttrs(g, h)
for (const k of g.keys()) {
  const d = g.get(k)
  const rows = k === 'axis1' || k.endsWith('_values')
  const shape = rows ? [Math.min(N, d.shape[0]), ...d.shape.slice(1)] : d.shape
  const data = rows ? d.slice([[0, shape[0]]]) : d.value
  const out = h.create_dataset({ name: k, data, shape, dtype: d.dtype })
  copyAttrs(d, out)
}
b.close()
