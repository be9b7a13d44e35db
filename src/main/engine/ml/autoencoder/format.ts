/**
 * A trained autoencoder / VAE as files (project storage and export): a JSON document with the
 * inputs, preprocessing, architecture, likelihood families and the weights' names and shapes,
 * and one float32 little-endian buffer with the weights in that order (encoder kernel₁, bias₁,
 * …, decoder …, then the trained prior's mean and log width). Reading checks every shape.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { z } from 'zod'
import { AnomalyConfig, LikelihoodFamily } from '../../../../shared/contract/anomaly'
import { Activation } from '../../../../shared/contract/train'
import type { AnomalyArchitecture, AnomalyModel, AnomalyWeights } from './model'
import { type DenseStack, stackShapes } from './network'

const FORMAT = 'hepwb-anomaly-model/1'

const Stack = z.object({
  inputs: z.number().int().min(1),
  layers: z
    .array(
      z.object({
        units: z.number().int().min(1),
        activation: Activation,
        alpha: z.number().min(0).max(1),
      }),
    )
    .min(1),
})

export const AnomalyModelDocument = z.object({
  format: z.literal(FORMAT),
  name: z.string(),
  kind: z.enum(['ae', 'vae']),
  inputs: z.array(z.string()).min(1),
  latent: z.number().int().min(1),
  encoder: Stack,
  decoder: Stack,
  families: z.array(LikelihoodFamily),
  featureWeights: z.array(z.number().min(0)),
  beta: z.number().min(0),
  trainablePrior: z.boolean(),
  score: z.enum(['total', 'reconstruction', 'kl']),
  transform: z.object({
    log: z.array(z.boolean()),
    floor: z.array(z.number()),
    mean: z.array(z.number()),
    /** Row-major d × d (diagonal: standardisation). */
    matrix: z.array(z.number()),
  }),
  /** The weight buffer's file (beside this document) and its arrays in order. */
  weights: z.object({
    file: z.string().min(1),
    arrays: z.array(z.object({ name: z.string(), shape: z.array(z.number().int().min(1)) })),
  }),
  config: AnomalyConfig.optional(),
})
export type AnomalyModelDocument = z.infer<typeof AnomalyModelDocument>

function weightList(model: AnomalyModel): { name: string; shape: number[]; data: Float32Array }[] {
  const { arch, weights } = model
  const out = (['encoder', 'decoder'] as const).flatMap((which) =>
    stackShapes(arch[which]).map((shape, i) => ({
      name: `${which}/${i % 2 ? 'bias' : 'kernel'}_${Math.floor(i / 2) + 1}`,
      shape,
      data: weights[which][i],
    })),
  )
  if (weights.prior)
    out.push(
      { name: 'prior/mean', shape: [arch.latent], data: weights.prior.mean },
      { name: 'prior/log_sigma', shape: [arch.latent], data: weights.prior.logSigma },
    )
  return out
}

/** The document and the weight buffer of `model`; `file` names the buffer beside the document. */
export function toStored(
  model: AnomalyModel,
  name: string,
  file: string,
  config?: AnomalyConfig,
): { document: AnomalyModelDocument; weightData: Uint8Array } {
  const { arch, transform } = model
  const list = weightList(model)
  const total = list.reduce((s, w) => s + w.data.length, 0)
  const all = new Float32Array(total)
  let offset = 0
  for (const w of list) {
    all.set(w.data, offset)
    offset += w.data.length
  }
  const document: AnomalyModelDocument = {
    format: FORMAT,
    name,
    kind: arch.kind,
    inputs: [...arch.inputs],
    latent: arch.latent,
    encoder: structuredClone(arch.encoder) as z.infer<typeof Stack>,
    decoder: structuredClone(arch.decoder) as z.infer<typeof Stack>,
    families: [...arch.families],
    featureWeights: [...arch.featureWeights],
    beta: arch.beta,
    trainablePrior: arch.trainablePrior,
    score: arch.score,
    transform: {
      log: [...transform.log],
      floor: [...transform.floor],
      mean: [...transform.pre.mean],
      matrix: [...transform.pre.transform],
    },
    weights: { file, arrays: list.map(({ name: n, shape }) => ({ name: n, shape })) },
    ...(config ? { config } : {}),
  }
  // Float32Array is little-endian on every platform Node runs on.
  return { document, weightData: new Uint8Array(all.buffer) }
}

/** The model of a stored document and weight buffer; throws naming what does not fit. */
export function fromStored(json: unknown, weightData: Uint8Array): AnomalyModel {
  const doc = AnomalyModelDocument.parse(json)
  const d = doc.inputs.length
  const stack = (s: z.infer<typeof Stack>): DenseStack => s
  const arch: AnomalyArchitecture = {
    kind: doc.kind,
    inputs: doc.inputs,
    latent: doc.latent,
    encoder: stack(doc.encoder),
    decoder: stack(doc.decoder),
    families: doc.families,
    featureWeights: doc.featureWeights,
    beta: doc.beta,
    trainablePrior: doc.trainablePrior,
    score: doc.score,
  }
  const sizes = [
    ['families', doc.families.length, d],
    ['featureWeights', doc.featureWeights.length, d],
    ['transform.log', doc.transform.log.length, d],
    ['transform.mean', doc.transform.mean.length, d],
    ['transform.matrix', doc.transform.matrix.length, d * d],
    ['encoder inputs', doc.encoder.inputs, d],
    ['decoder inputs', doc.decoder.inputs, doc.latent],
  ] as const
  for (const [what, got, want] of sizes)
    if (got !== want) throw new Error(`stored anomaly model: ${what} is ${got}, expected ${want}`)
  if (weightData.byteLength % 4 !== 0)
    throw new Error('stored anomaly model: the weight data is not whole float32 values')
  const floats = new Float32Array(
    weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength),
  )
  const expected = [
    ...stackShapes(arch.encoder),
    ...stackShapes(arch.decoder),
    ...(arch.trainablePrior ? [[arch.latent], [arch.latent]] : []),
  ]
  if (expected.length !== doc.weights.arrays.length)
    throw new Error(
      `stored anomaly model: ${doc.weights.arrays.length} weight arrays, the architecture needs ${expected.length}`,
    )
  let offset = 0
  const arrays = expected.map((shape, i) => {
    const spec = doc.weights.arrays[i]
    if (spec.shape.join('x') !== shape.join('x'))
      throw new Error(
        `stored anomaly model: ${spec.name} has shape [${spec.shape}], expected [${shape}]`,
      )
    const size = shape.reduce((a, b) => a * b, 1)
    if (offset + size > floats.length)
      throw new Error('stored anomaly model: the weight data is shorter than its specification')
    const a = floats.slice(offset, offset + size)
    offset += size
    return a
  })
  if (offset !== floats.length)
    throw new Error('stored anomaly model: the weight data is longer than its specification')
  const ne = stackShapes(arch.encoder).length
  const nd = stackShapes(arch.decoder).length
  const weights: AnomalyWeights = {
    encoder: arrays.slice(0, ne),
    decoder: arrays.slice(ne, ne + nd),
    prior: arch.trainablePrior ? { mean: arrays[ne + nd], logSigma: arrays[ne + nd + 1] } : null,
  }
  return {
    arch,
    weights,
    transform: {
      log: doc.transform.log,
      floor: doc.transform.floor,
      pre: { d, mean: doc.transform.mean, transform: doc.transform.matrix },
    },
  }
}

/** A file-name-safe form of a model name. */
function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || 'model'
}

/**
 * Writes `dir/<name>.hepwb-anomaly.json` and `dir/<name>.weights.bin` (dir must exist);
 * returns the two paths.
 */
export async function writeAnomalyModel(
  dir: string,
  name: string,
  model: AnomalyModel,
  config?: AnomalyConfig,
): Promise<string[]> {
  const base = fileSafe(name)
  const bin = `${base}.weights.bin`
  const { document, weightData } = toStored(model, name, bin, config)
  const json = join(dir, `${base}.hepwb-anomaly.json`)
  await writeFile(json, JSON.stringify(document, null, 2) + '\n')
  await writeFile(join(dir, bin), weightData)
  return [json, join(dir, bin)]
}

/** Reads a model written by writeAnomalyModel (the weights from the file the document names). */
export async function readAnomalyModel(json: string): Promise<AnomalyModel> {
  const doc = JSON.parse(await readFile(json, 'utf8')) as { weights?: { file?: unknown } }
  const file = doc.weights?.file
  if (typeof file !== 'string' || basename(file) !== file)
    throw new Error(`${json}: weights.file must name a file beside the document`)
  return fromStored(doc, new Uint8Array(await readFile(join(dirname(json), file))))
}
