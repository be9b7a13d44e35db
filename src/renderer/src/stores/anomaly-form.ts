/**
 * The Anomaly view's set-up form and the training config it builds: kind (autoencoder or VAE),
 * samples, region, inputs, network shape and training options, and for the VAE β, the score,
 * the trainable prior and each input's likelihood family. Pure, so it is unit-tested.
 */
import { AnomalyConfig, LikelihoodFamily, type AnomalyKind } from '../../../shared/contract/anomaly'
import { describeZodError } from '../../../shared/api'

export interface AnomalyForm {
  kind: AnomalyKind
  name: string
  signal: string[]
  background: string[]
  region: string | null
  inputs: string[]
  /** Encoder hidden layer sizes as typed, e.g. "32, 16". */
  encoder: string
  latent: number
  activation: 'relu' | 'leaky_relu' | 'tanh' | 'sigmoid' | 'linear'
  epochs: number
  batchSize: number
  learningRate: number
  patience: number
  validation: number
  seed: number
  /** Memory budget (MB) for the training events; 0: none (everything in memory). */
  memoryBudgetMB: number
  /** Stream from the sample files even when the events fit the budget. */
  stream: boolean
  beta: number
  score: 'total' | 'reconstruction' | 'kl'
  trainablePrior: boolean
  /** Likelihood family by input (VAE); missing inputs are gaussian. */
  likelihood: Record<string, LikelihoodFamily>
}

export const KINDS: { kind: AnomalyKind; label: string }[] = [
  { kind: 'ae', label: 'Autoencoder' },
  { kind: 'vae', label: 'VAE' },
]

export const FAMILIES: { family: LikelihoodFamily; label: string }[] = [
  { family: 'gaussian', label: 'Gaussian' },
  { family: 'lognormal', label: 'log-normal (+ zero)' },
  { family: 'discrete_gaussian', label: 'discrete Gaussian (counts)' },
  { family: 'bernoulli', label: 'Bernoulli (0/1)' },
  { family: 'poisson', label: 'Poisson (counts)' },
]

export function kindLabel(kind: AnomalyKind): string {
  return kind === 'vae' ? 'VAE' : 'autoencoder'
}

export function defaultForm(): AnomalyForm {
  return {
    kind: 'ae',
    name: '',
    signal: [],
    background: [],
    region: null,
    inputs: [],
    encoder: '32, 16',
    latent: 4,
    activation: 'relu',
    epochs: 30,
    batchSize: 256,
    learningRate: 0.001,
    patience: 10,
    validation: 0.4,
    seed: 1,
    memoryBudgetMB: 0,
    stream: false,
    beta: 1,
    score: 'total',
    trainablePrior: false,
    likelihood: {},
  }
}

/** Layer sizes from "32, 16" (spaces, commas); null when a part is not a whole number ≥ 1. */
export function parseLayers(text: string): number[] | null {
  const parts = text.split(/[\s,]+/).filter((p) => p !== '')
  const out = parts.map(Number)
  return out.every((v) => Number.isInteger(v) && v >= 1) ? out : null
}

export type Built = { ok: true; config: AnomalyConfig } | { ok: false; errors: string[] }

/** The training config of `f`, or every reason it is not one (in words, naming the field). */
export function buildConfig(f: AnomalyForm): Built {
  const encoder = parseLayers(f.encoder)
  if (!encoder) return { ok: false, errors: [`encoder layers '${f.encoder}': whole numbers ≥ 1`] }
  const common = {
    encoder,
    latent: f.latent,
    activation: f.activation,
    epochs: f.epochs,
    batchSize: f.batchSize,
    learningRate: f.learningRate,
    patience: f.patience,
    seed: f.seed,
    memoryBudgetMB: f.memoryBudgetMB > 0 ? f.memoryBudgetMB : null,
    stream: f.stream,
  }
  const likelihood = Object.fromEntries(
    Object.entries(f.likelihood).filter(([k, v]) => f.inputs.includes(k) && v !== 'gaussian'),
  )
  const raw = {
    kind: f.kind,
    name: f.name,
    signal: f.signal,
    background: f.background,
    region: f.region,
    inputs: f.inputs,
    split: { validation: f.validation, seed: f.seed },
    options:
      f.kind === 'vae'
        ? {
            ...common,
            beta: f.beta,
            score: f.score,
            trainablePrior: f.trainablePrior,
            likelihood,
          }
        : common,
  }
  const parsed = AnomalyConfig.safeParse(raw)
  return parsed.success
    ? { ok: true, config: parsed.data }
    : { ok: false, errors: [describeZodError(parsed.error)] }
}

/** A stored form merged over the defaults (unknown or mistyped fields keep the default). */
export function restoreForm(saved: unknown): AnomalyForm {
  const d = defaultForm()
  if (typeof saved !== 'object' || saved === null) return d
  const s = saved as Record<string, unknown>
  const out: Record<string, unknown> = { ...d }
  for (const [k, v] of Object.entries(d)) {
    const got = s[k]
    if (got === undefined) continue
    const same =
      k === 'region'
        ? got === null || typeof got === 'string'
        : Array.isArray(v)
          ? Array.isArray(got) && got.every((x) => typeof x === 'string')
          : typeof got === typeof v && (typeof v !== 'object' || got !== null)
    if (same) out[k] = got
  }
  const f = out as unknown as AnomalyForm
  if (!KINDS.some((k) => k.kind === f.kind)) f.kind = d.kind
  return f
}
