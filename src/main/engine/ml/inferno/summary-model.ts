/**
 * A trained INFERNO summary as the project stores it (store/inferno-models.ts): the network
 * (dense layers, float32 weights in one buffer), the standardisation of its inputs, and the
 * order in which the result shows its bins. Applied as a variable, it gives each event its hard
 * bin — argmax of the network's outputs, as the evaluation's templates use — renumbered in that
 * order, so the variable's histogram reproduces the result's templates.
 */
import { type DenseLayer, forwardLayersJs, layerShapes } from '../dense-layers'
import type { ProjectNetwork } from './project-model'

export interface InfernoSummaryDocument {
  readonly format: 'hepwb-inferno-summary'
  readonly version: 1
  /** The input expressions, in the network's column order. */
  readonly inputs: readonly string[]
  readonly layers: readonly DenseLayer[]
  /** Standardisation fitted on the training events: x → (x − mean) / sd. */
  readonly mean: readonly number[]
  readonly sd: readonly number[]
  readonly bins: number
  /** order[k]: the network output shown as bin k (identity when bins were not sorted). */
  readonly order: readonly number[]
}

/** The document and weight buffer of a trained summary network. */
export function summaryDocument(
  net: ProjectNetwork,
  inputs: readonly string[],
  bins: number,
  order: readonly number[],
): { document: InfernoSummaryDocument; weights: Uint8Array } {
  const parts = net.net.weights()
  const total = parts.reduce((s, w) => s + w.length, 0)
  const flat = new Float32Array(total)
  let at = 0
  for (const w of parts) {
    flat.set(w, at)
    at += w.length
  }
  return {
    document: {
      format: 'hepwb-inferno-summary',
      version: 1,
      inputs: [...inputs],
      layers: net.net.layers.map((l) => ({ ...l })),
      mean: Array.from(net.scaler.mean),
      sd: Array.from(net.scaler.sd),
      bins,
      order: [...order],
    },
    weights: new Uint8Array(flat.buffer),
  }
}

/** Per event, its summary bin (0 … bins − 1 in the shown order); NaN where an input is not finite. */
export function summaryBins(
  doc: InfernoSummaryDocument,
  weights: Uint8Array,
  columns: readonly Float64Array[],
  n: number,
): Float64Array {
  const d = doc.inputs.length
  if (columns.length !== d)
    throw new Error(`the summary reads ${d} inputs, ${columns.length} were given`)
  const shapes = layerShapes(d, doc.layers)
  const aligned = new Float32Array(
    weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
  )
  const parts: Float32Array[] = []
  let at = 0
  for (const shape of shapes) {
    const size = shape.reduce((a, b) => a * b, 1)
    parts.push(aligned.subarray(at, at + size))
    at += size
  }
  if (at !== aligned.length)
    throw new Error(`the stored weights hold ${aligned.length} numbers, the layers need ${at}`)
  const shown = new Int32Array(doc.bins)
  doc.order.forEach((output, k) => (shown[output] = k))
  const out = new Float64Array(n).fill(NaN)
  const x = new Float64Array(d)
  for (let i = 0; i < n; i++) {
    let ok = true
    for (let j = 0; j < d && ok; j++) {
      const v = columns[j][i]
      ok = Number.isFinite(v)
      x[j] = (v - doc.mean[j]) / doc.sd[j]
    }
    if (!ok) continue
    const logits = forwardLayersJs(d, doc.layers, parts, x, 1)
    let best = 0
    for (let b = 1; b < doc.bins; b++) if (logits[b] > logits[best]) best = b
    out[i] = shown[best]
  }
  return out
}
