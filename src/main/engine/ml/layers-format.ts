/**
 * Dense networks in the TensorFlow.js layers format (Keras topology JSON + one float32 weight
 * buffer): building the equivalent tf.LayersModel, serialising a trained network to the stored
 * artifacts, reading the artifacts back without TensorFlow.js, and writing model.json +
 * group1-shard1of1.bin so `tf.loadLayersModel` (or Keras via tensorflowjs) opens the export.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type * as TF from '@tensorflow/tfjs'
import { z } from 'zod'
import { Activation } from '../../../shared/contract/train'
import {
  allLayers,
  type DenseArchitecture,
  type DenseLayer,
  type DenseWeights,
  weightShapes,
} from './dense-network'

/** A stored network: what a layers model's `save` hands an IO handler, weights in one buffer. */
export interface MlpArtifacts {
  /** Keras-style topology (model.json's modelTopology): {class_name: 'Sequential', config: {layers: […]}, …}. */
  readonly topology: object
  readonly weightSpecs: { name: string; shape: number[]; dtype: 'float32' }[]
  /** The weights, float32 little-endian, in weightSpecs order. */
  readonly weightData: ArrayBuffer
}

export interface LayersModelOptions {
  /** Kernel L2 penalty (training only). */
  readonly l2?: number
  /** Output logits instead of sigmoid scores (training with a logit loss). */
  readonly logitsOutput?: boolean
}

type StackLayer =
  | ReturnType<typeof TF.layers.dense>
  | ReturnType<typeof TF.layers.leakyReLU>
  | ReturnType<typeof TF.layers.dropout>

/**
 * The tf.layers of `arch` in order: Dense layers (a LeakyReLU layer after a linear Dense for
 * leaky_relu), Dropout after each hidden layer when the rate is positive, a 1-unit output.
 * The first carries the input shape. Weights are the layers' own initialisers.
 */
export function stackLayers(
  tf: typeof TF,
  arch: DenseArchitecture,
  options: LayersModelOptions = {},
): StackLayer[] {
  const out: StackLayer[] = []
  const layers = allLayers(arch)
  const regularizer = options.l2 ? tf.regularizers.l2({ l2: options.l2 }) : undefined
  layers.forEach((l, k) => {
    const output = k === layers.length - 1
    const activation =
      l.activation === 'leaky_relu' || (output && options.logitsOutput) ? 'linear' : l.activation
    out.push(
      tf.layers.dense({
        units: l.units,
        activation,
        name: output ? 'output' : `dense_${k + 1}`,
        kernelRegularizer: regularizer,
        ...(k === 0 ? { inputShape: [arch.inputs] } : {}),
      }),
    )
    if (output) return
    if (l.activation === 'leaky_relu')
      out.push(tf.layers.leakyReLU({ alpha: l.alpha, name: `leaky_relu_${k + 1}` }))
    if (arch.dropout > 0)
      out.push(tf.layers.dropout({ rate: arch.dropout, name: `dropout_${k + 1}` }))
  })
  return out
}

/** The tf.Sequential model of `arch` (stackLayers); set its weights with `model.setWeights`. */
export function buildLayersModel(
  tf: typeof TF,
  arch: DenseArchitecture,
  options: LayersModelOptions = {},
): TF.Sequential {
  const model = tf.sequential({ name: 'hepwb_mlp' })
  for (const layer of stackLayers(tf, arch, options)) model.add(layer)
  return model
}

/** Serialises a network (architecture + weights) through TensorFlow.js' own model saving. */
export async function toArtifacts(
  tf: typeof TF,
  arch: DenseArchitecture,
  weights: DenseWeights,
): Promise<MlpArtifacts> {
  const model = buildLayersModel(tf, arch)
  try {
    const tensors = weightShapes(arch).map((s, i) => tf.tensor(weights[i], s, 'float32'))
    model.setWeights(tensors)
    tensors.forEach((t) => t.dispose())
    let saved: TF.io.ModelArtifacts | undefined
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        saved = a
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } }
      }),
    )
    if (!saved?.modelTopology || !saved.weightSpecs || !saved.weightData)
      throw new Error('TensorFlow.js saved the network without its topology or weights')
    const data = saved.weightData
    return {
      topology: saved.modelTopology,
      weightSpecs: saved.weightSpecs.map((s) => ({
        name: s.name,
        shape: s.shape,
        dtype: 'float32',
      })),
      weightData: data instanceof ArrayBuffer ? data : tf.io.concatenateArrayBuffers(data),
    }
  } finally {
    model.dispose()
  }
}

const LayerJson = z.object({ class_name: z.string(), config: z.record(z.string(), z.unknown()) })
const TopologyJson = z.object({
  class_name: z.literal('Sequential'),
  config: z.object({ layers: z.array(LayerJson).min(1) }),
})
const WeightSpecJson = z.array(
  z.object({
    name: z.string(),
    shape: z.array(z.number().int().min(1)),
    dtype: z.literal('float32', { error: 'only float32 weights are supported' }),
  }),
)
const DenseConfig = z.object({ units: z.number().int().min(1), activation: Activation })
const LeakyConfig = z.object({ alpha: z.number().min(0).max(1) })
const DropoutConfig = z.object({ rate: z.number().min(0).max(1) })

/**
 * Reads artifacts written by `toArtifacts` back into an architecture and weights, checking that
 * the topology is a dense stack with a 1-unit sigmoid output and that the weights fit it.
 * Throws naming what does not fit.
 */
export function fromArtifacts(artifacts: MlpArtifacts): {
  arch: DenseArchitecture
  weights: DenseWeights
} {
  const topology = TopologyJson.parse(artifacts.topology)
  const specs = WeightSpecJson.parse(artifacts.weightSpecs)
  const layers: DenseLayer[] = []
  let dropout = 0
  for (const layer of topology.config.layers) {
    if (layer.class_name === 'Dense') {
      const c = DenseConfig.parse(layer.config)
      layers.push({ units: c.units, activation: c.activation, alpha: 0 })
    } else if (layer.class_name === 'LeakyReLU') {
      const last = layers.at(-1)
      if (!last || last.activation !== 'linear')
        throw new Error('stored network: LeakyReLU must follow a linear Dense layer')
      layers[layers.length - 1] = {
        ...last,
        activation: 'leaky_relu',
        alpha: LeakyConfig.parse(layer.config).alpha,
      }
    } else if (layer.class_name === 'Dropout') {
      dropout = DropoutConfig.parse(layer.config).rate
    } else throw new Error(`stored network: unsupported layer ${layer.class_name}`)
  }
  const output = layers.pop()
  if (!output || output.units !== 1 || output.activation !== 'sigmoid')
    throw new Error('stored network: the last layer must be one sigmoid unit')
  if (specs.length !== 2 * (layers.length + 1) || specs[0].shape.length !== 2)
    throw new Error(`stored network: ${specs.length} weight arrays for ${layers.length + 1} layers`)
  const arch: DenseArchitecture = { inputs: specs[0].shape[0], layers, dropout }
  const shapes = weightShapes(arch)
  let offset = 0
  const weights = shapes.map((shape, i) => {
    if (shape.join('x') !== specs[i].shape.join('x'))
      throw new Error(
        `stored network: weight ${specs[i].name} has shape [${specs[i].shape}], expected [${shape}]`,
      )
    const size = shape.reduce((a, b) => a * b, 1)
    if (offset + 4 * size > artifacts.weightData.byteLength)
      throw new Error('stored network: the weight data is shorter than its specification')
    const a = new Float32Array(artifacts.weightData.slice(offset, offset + 4 * size))
    offset += 4 * size
    return a
  })
  if (offset !== artifacts.weightData.byteLength)
    throw new Error('stored network: the weight data is longer than its specification')
  return { arch, weights }
}

/** File names of the TensorFlow.js layers format export. */
export const MODEL_JSON = 'model.json'
export const WEIGHTS_BIN = 'group1-shard1of1.bin'

/**
 * Writes the network as `dir/model.json` + `dir/group1-shard1of1.bin` (creating `dir`), the
 * files `tf.loadLayersModel('file://…/model.json')` reads. Returns the two paths.
 */
export function mlpToFiles(artifacts: MlpArtifacts, dir: string): string[] {
  mkdirSync(dir, { recursive: true })
  const json = join(dir, MODEL_JSON)
  const bin = join(dir, WEIGHTS_BIN)
  const modelJson = {
    format: 'layers-model',
    generatedBy: 'HEP Workbench',
    convertedBy: null,
    modelTopology: artifacts.topology,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs }],
  }
  writeFileSync(json, JSON.stringify(modelJson))
  writeFileSync(bin, new Uint8Array(artifacts.weightData))
  return [json, bin]
}
