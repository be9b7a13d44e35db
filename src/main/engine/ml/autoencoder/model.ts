/**
 * The autoencoder and the VAE as architectures over dense stacks, their training loss as
 * TensorFlow.js ops and their per-event, per-feature loss in float64.
 *
 * Autoencoder: encoder (inputs → hidden → latent, linear), decoder (latent → hidden → inputs,
 * linear); loss = Σⱼ fⱼ (x̂ⱼ − xⱼ)² / Σⱼ fⱼ on the preprocessed inputs, fⱼ the per-feature weights.
 *
 * VAE: the encoder gives μ and log σ (soft-limited like the likelihoods' log σ) of a diagonal
 * Gaussian; training decodes z = μ + σ·ε with seeded ε ~ N(0, 1) (reparameterisation), scoring
 * decodes z = μ. The decoder gives each input's likelihood parameters; loss = Σⱼ NLLⱼ + β·KL.
 * Decoder outputs are grouped by family — for a family with m inputs, its parameter q of its
 * t-th input is column offset + q·m + t — so a batch needs one slice per family and parameter.
 */
import type * as TF from '@tensorflow/tfjs'
import type {
  AnomalyConfig,
  LikelihoodFamily,
  VaeOptions,
} from '../../../../shared/contract/anomaly'
import type { InputTransform } from './input-transform'
import { applyInputTransform } from './input-transform'
import { kl, klTensor } from './kl'
import { LOG_SIGMA_LIMIT, nll, nllTensor, onPreprocessed, PARAMS } from './likelihoods'
import {
  denseStack,
  type DenseStack,
  forwardJs,
  forwardTensor,
  outputsOf,
  stackParameters,
  stackTensors,
  type StackWeights,
} from './network'
import { own } from '../../../../shared/name-record'

export interface AnomalyArchitecture {
  readonly kind: 'ae' | 'vae'
  readonly inputs: readonly string[]
  readonly latent: number
  readonly encoder: DenseStack
  readonly decoder: DenseStack
  /** Likelihood family per input (an autoencoder's are all gaussian and unused). */
  readonly families: readonly LikelihoodFamily[]
  /** MSE weight per input (autoencoder). */
  readonly featureWeights: readonly number[]
  readonly beta: number
  readonly trainablePrior: boolean
  readonly score: VaeOptions['score']
}

export interface AnomalyWeights {
  readonly encoder: StackWeights
  readonly decoder: StackWeights
  /** Trained prior mean and log width per latent dimension; null: N(0, 1). */
  readonly prior: { mean: Float32Array; logSigma: Float32Array } | null
}

/** A trained model: what scoring needs. */
export interface AnomalyModel {
  readonly arch: AnomalyArchitecture
  readonly weights: AnomalyWeights
  readonly transform: InputTransform
}

/** One family's block of decoder outputs. */
export interface FamilyGroup {
  readonly family: LikelihoodFamily
  /** Input indices, in order. */
  readonly features: number[]
  /** First decoder output column of the block (PARAMS[family] × features.length columns). */
  readonly offset: number
}

/** The architecture a config describes; throws naming an option key that is not an input. */
export function anomalyArchitecture(config: AnomalyConfig): AnomalyArchitecture {
  const { inputs, options } = config
  const d = inputs.length
  const byName = (what: string, record: Record<string, unknown>) => {
    for (const key of Object.keys(record))
      if (!inputs.includes(key))
        throw new Error(`options.${what} names '${key}', which is not one of the inputs`)
  }
  const vae = config.kind === 'vae' ? config.options : null
  if (config.kind === 'ae') byName('featureWeights', config.options.featureWeights)
  if (vae) byName('likelihood', vae.likelihood)
  const families = inputs.map((name) => (vae && own(vae.likelihood, name)) ?? 'gaussian')
  const featureWeights = inputs.map((name) =>
    config.kind === 'ae' ? (own(config.options.featureWeights, name) ?? 1) : 1,
  )
  if (!featureWeights.some((f) => f > 0))
    throw new Error('options.featureWeights: at least one input needs a weight above 0')
  const hidden = options.decoder ?? [...options.encoder].reverse()
  const { activation, leakyAlpha: alpha, latent } = options
  const decoderOut = vae ? families.reduce((s, f) => s + PARAMS[f], 0) : d
  return {
    kind: config.kind,
    inputs: [...inputs],
    latent,
    encoder: denseStack(d, options.encoder, vae ? 2 * latent : latent, activation, alpha),
    decoder: denseStack(latent, hidden, decoderOut, activation, alpha),
    families,
    featureWeights,
    beta: vae?.beta ?? 0,
    trainablePrior: vae?.trainablePrior ?? false,
    score: vae?.score ?? 'reconstruction',
  }
}

export function parameterCount(arch: AnomalyArchitecture): number {
  return (
    stackParameters(arch.encoder) +
    stackParameters(arch.decoder) +
    (arch.trainablePrior ? 2 * arch.latent : 0)
  )
}

/** The decoder's output blocks, families in a fixed order. */
export function familyGroups(families: readonly LikelihoodFamily[]): FamilyGroup[] {
  const order: LikelihoodFamily[] = [
    'gaussian',
    'lognormal',
    'discrete_gaussian',
    'bernoulli',
    'poisson',
  ]
  const groups: FamilyGroup[] = []
  let offset = 0
  for (const family of order) {
    const features = families.flatMap((f, j) => (f === family ? [j] : []))
    if (!features.length) continue
    groups.push({ family, features, offset })
    offset += PARAMS[family] * features.length
  }
  return groups
}

/**
 * What each input's loss compares against: the preprocessed value (autoencoder, gaussian) or
 * the raw one (the other families). Row-major n × d in input order.
 */
export function targets(
  arch: AnomalyArchitecture,
  raw: ArrayLike<number>,
  pre: ArrayLike<number>,
  n: number,
): Float64Array {
  const d = arch.inputs.length
  const out = new Float64Array(n * d)
  const usePre = arch.families.map((f) => arch.kind === 'ae' || onPreprocessed(f))
  for (let i = 0; i < n * d; i++) out[i] = usePre[i % d] ? pre[i] : raw[i]
  return out
}

/** The network's parameters as tensors (variables while training). */
export interface ModelTensors {
  readonly encoder: readonly TF.Tensor[]
  readonly decoder: readonly TF.Tensor[]
  readonly prior: { mean: TF.Tensor1D; logSigma: TF.Tensor1D } | null
}

export function modelTensors(
  tf: typeof TF,
  arch: AnomalyArchitecture,
  w: AnomalyWeights,
): ModelTensors {
  return {
    encoder: stackTensors(tf, arch.encoder, w.encoder),
    decoder: stackTensors(tf, arch.decoder, w.decoder),
    prior: w.prior
      ? { mean: tf.tensor1d(w.prior.mean), logSigma: tf.tensor1d(w.prior.logSigma) }
      : null,
  }
}

export function disposeTensors(t: ModelTensors): void {
  t.encoder.forEach((v) => v.dispose())
  t.decoder.forEach((v) => v.dispose())
  t.prior?.mean.dispose()
  t.prior?.logSigma.dispose()
}

const softLimit = (tf: typeof TF, t: TF.Tensor) =>
  tf.tanh(t.div(LOG_SIGMA_LIMIT)).mul(LOG_SIGMA_LIMIT)

/**
 * Per-event reconstruction loss and KL ([b] each; KL null for an autoencoder) for a batch:
 * xin [b, d] preprocessed inputs, target [b, d] with columns in the order of the family groups
 * (`groupedTargets`), noise [b, latent] (null: decode the mean). Use inside a gradient
 * function or tf.tidy. The Poisson data constant is left out (likelihoods.ts).
 */
export function lossTensors(
  tf: typeof TF,
  arch: AnomalyArchitecture,
  t: ModelTensors,
  xin: TF.Tensor2D,
  target: TF.Tensor2D,
  noise: TF.Tensor2D | null,
  featureWeights: TF.Tensor1D | null,
): { recon: TF.Tensor1D; kl: TF.Tensor1D | null } {
  const b = xin.shape[0]
  const L = arch.latent
  const e = forwardTensor(tf, arch.encoder, t.encoder, xin)
  if (arch.kind === 'ae') {
    const out = forwardTensor(tf, arch.decoder, t.decoder, e)
    const sq = tf.square(out.sub(target))
    const fw = featureWeights ?? tf.ones([arch.inputs.length])
    return { recon: tf.sum(sq.mul(fw), 1).div(tf.sum(fw)) as TF.Tensor1D, kl: null }
  }
  const mu = tf.slice(e, [0, 0], [b, L]) as TF.Tensor2D
  const ls = softLimit(tf, tf.slice(e, [0, L], [b, L])) as TF.Tensor2D
  const z = noise ? (mu.add(tf.exp(ls).mul(noise)) as TF.Tensor2D) : mu
  const params = forwardTensor(tf, arch.decoder, t.decoder, z)
  let recon: TF.Tensor = tf.zeros([b])
  let column = 0
  for (const g of familyGroups(arch.families)) {
    const m = g.features.length
    const x = tf.slice(target, [0, column], [b, m]) as TF.Tensor2D
    const p = Array.from(
      { length: PARAMS[g.family] },
      (_, q) => tf.slice(params, [0, g.offset + q * m], [b, m]) as TF.Tensor2D,
    )
    recon = recon.add(tf.sum(nllTensor(tf, g.family, x, p), 1))
    column += m
  }
  const k = tf.sum(klTensor(tf, mu, ls, t.prior ?? undefined), 1) as TF.Tensor1D
  return { recon: recon as TF.Tensor1D, kl: k }
}

/** Rows of `target` (row-major n × d, input order) with columns in family-group order. */
export function groupedTargets(
  arch: AnomalyArchitecture,
  target: Float64Array,
  n: number,
): Float32Array {
  const d = arch.inputs.length
  const order =
    arch.kind === 'ae'
      ? arch.inputs.map((_, j) => j)
      : familyGroups(arch.families).flatMap((g) => g.features)
  const out = new Float32Array(n * d)
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) out[i * d + c] = target[i * d + order[c]]
  return out
}

/** Per-event losses in float64 (decoding the latent mean). */
export interface EventLosses {
  /** The anomaly score the architecture asks for (`score`). */
  readonly score: Float64Array
  /** Reconstruction loss + β·KL: what training minimises. */
  readonly total: Float64Array
  readonly reconstruction: Float64Array
  /** Zero for an autoencoder. */
  readonly kl: Float64Array
  /** Row-major n × d: each input's share of the reconstruction loss. */
  readonly perFeature: Float64Array
  /** VAE: latent means, row-major n × latent; autoencoder: the latent code. */
  readonly latent: Float64Array
}

/** Runs one stack on n rows (row-major), returning n × outputs. */
export type StackRunner = (
  which: 'encoder' | 'decoder',
  x: ArrayLike<number>,
  n: number,
) => Float64Array

/** A StackRunner on TensorFlow.js tensors, `chunk` rows per forward pass. */
export function tensorRunner(
  tf: typeof TF,
  arch: AnomalyArchitecture,
  t: ModelTensors,
  chunk = 65536,
): StackRunner {
  return (which, x, n) => {
    const stack = arch[which]
    const out = new Float64Array(n * outputsOf(stack))
    const k = stack.inputs
    for (let start = 0; start < n; start += chunk) {
      const rows = Math.min(chunk, n - start)
      const part = Float32Array.from({ length: rows * k }, (_, i) => x[start * k + i])
      const y = tf.tidy(() =>
        forwardTensor(tf, stack, t[which], tf.tensor2d(part, [rows, k])).dataSync(),
      )
      out.set(y, start * outputsOf(stack))
    }
    return out
  }
}

/** A StackRunner in plain JavaScript. */
export function jsRunner(arch: AnomalyArchitecture, w: AnomalyWeights): StackRunner {
  return (which, x, n) => forwardJs(arch[which], w[which], x, n)
}

/**
 * The losses of n events from their raw inputs (row-major n × d): preprocessing, encoder,
 * decoder at the latent mean, then each input's loss in float64.
 */
export function eventLosses(
  model: AnomalyModel,
  run: StackRunner,
  raw: Float64Array,
  n: number,
  prior: { mean: ArrayLike<number>; logSigma: ArrayLike<number> } | null = model.weights.prior,
): EventLosses {
  const { arch } = model
  const d = arch.inputs.length
  const L = arch.latent
  const xin = applyInputTransform(model.transform, raw, n)
  const target = targets(arch, raw, xin, n)
  const e = run('encoder', xin, n)
  const vae = arch.kind === 'vae'
  const latent = new Float64Array(n * L)
  const klv = new Float64Array(n)
  for (let i = 0; i < n; i++)
    for (let l = 0; l < L; l++) {
      const mu = e[i * (vae ? 2 * L : L) + l]
      latent[i * L + l] = mu
      if (vae) {
        const ls = LOG_SIGMA_LIMIT * Math.tanh(e[i * 2 * L + L + l] / LOG_SIGMA_LIMIT)
        klv[i] += kl(mu, ls, prior ? prior.mean[l] : 0, prior ? prior.logSigma[l] : 0)
      }
    }
  const out = run('decoder', latent, n)
  const perFeature = new Float64Array(n * d)
  const recon = new Float64Array(n)
  const P = outputsOf(arch.decoder)
  if (!vae) {
    const fsum = arch.featureWeights.reduce((a, b) => a + b, 0)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < d; j++) {
        const r = out[i * d + j] - target[i * d + j]
        const v = (arch.featureWeights[j] * r * r) / fsum
        perFeature[i * d + j] = v
        recon[i] += v
      }
  } else {
    for (const g of familyGroups(arch.families)) {
      const m = g.features.length
      g.features.forEach((j, t) => {
        for (let i = 0; i < n; i++) {
          const o = i * P + g.offset + t
          const v = nll(g.family, target[i * d + j], out[o], out[o + m], out[o + 2 * m])
          perFeature[i * d + j] = v
          recon[i] += v
        }
      })
    }
  }
  const total = Float64Array.from(recon, (r, i) => r + arch.beta * klv[i])
  const score = arch.score === 'total' ? total : arch.score === 'kl' ? klv : recon
  return { score, total, reconstruction: recon, kl: klv, perFeature, latent }
}
