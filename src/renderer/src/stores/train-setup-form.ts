/**
 * The Train view's set-up form: what the user edits (strings where they type lists, e.g. layers
 * "64,64" and missing values "-999"), its defaults, its restoration from a stored setting, and
 * its translation into the contract's `TrainConfig` with readable errors. Pure, unit-tested.
 */
import {
  Activation,
  type ClassifierKind,
  CutsOptions,
  FigureOfMerit,
  MlpOptions,
  NormMode,
  TrainConfig,
} from '../../../shared/contract/train'

export interface MlpForm {
  /** Hidden layer widths as typed: "64,64". */
  layers: string
  activation: Activation
  leakyAlpha: number
  dropout: number
  l2: number
  optimizer: 'adam' | 'sgd'
  learningRate: number
  momentum: number
  batchSize: number
  epochs: number
  patience: number
}

export interface SetupForm {
  kind: ClassifierKind
  name: string
  /** Sample names; empty means "every sample of that role". */
  signal: string[]
  background: string[]
  /** Region name or null for all events. */
  region: string | null
  inputs: string[]
  norm: NormMode
  negative: 'keep' | 'ignore'
  /** Fractions in [0, 1]: test of all events, validation of the training events. */
  test: number
  validation: number
  seed: number
  standardise: boolean
  decorrelate: boolean
  /**
   * Further values that mean "missing" in this training only, as typed ("-99, -1"); empty by
   * default: each sample's own missing value (set in Data) already reads as missing.
   */
  missingValues: string
  missingPolicy: 'mean' | 'drop'
  cuts: CutsOptions
  mlp: MlpForm
}

export const KINDS: { kind: ClassifierKind; label: string }[] = [
  { kind: 'lda', label: 'Fisher' },
  { kind: 'cuts', label: 'Rectangular cuts' },
  { kind: 'mlp', label: 'Neural network' },
]

export function kindLabel(kind: ClassifierKind): string {
  return KINDS.find((k) => k.kind === kind)?.label ?? kind
}

export const FOM_LABELS: Record<FigureOfMerit, string> = {
  s_sqrt_b: 'S/√B',
  s_sqrt_sb: 'S/√(S+B)',
  z_asimov: 'Z_A (with σ_b)',
  eff_at_bkg: 'ε_S at fixed ε_B',
}

/** The contract's defaults, as the form shows them. */
export function defaultForm(): SetupForm {
  const mlp = MlpOptions.parse({})
  return {
    kind: 'lda',
    name: '',
    signal: [],
    background: [],
    region: null,
    inputs: [],
    norm: 'numevents',
    negative: 'keep',
    test: 0.4,
    validation: 0.2,
    seed: 1,
    standardise: true,
    decorrelate: false,
    missingValues: '',
    missingPolicy: 'mean',
    cuts: CutsOptions.parse({}),
    mlp: { ...mlp, layers: mlp.layers.join(',') },
  }
}

/** "64, 64" → [64, 64]; a message naming the bad entry otherwise. */
export function parseLayers(text: string): number[] | string {
  const parts = text
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean)
  if (!parts.length) return 'layers: give at least one width, e.g. 64,64'
  const out: number[] = []
  for (const [i, p] of parts.entries()) {
    const n = Number(p)
    if (!Number.isInteger(n) || n < 1 || n > 4096)
      return `layers: '${p}' (layer ${i + 1}) is not a whole number from 1 to 4096`
    out.push(n)
  }
  return out
}

/** "-999, -99" → [-999, -99]; a message naming the bad entry otherwise. Empty → []. */
export function parseNumberList(text: string, what: string): number[] | string {
  const out: number[] = []
  for (const p of text
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean)) {
    const n = Number(p)
    if (!Number.isFinite(n)) return `${what}: '${p}' is not a number`
    out.push(n)
  }
  return out
}

export type BuildResult = { ok: true; config: TrainConfig } | { ok: false; errors: string[] }

const FIELD_LABELS: Record<string, string> = {
  inputs: 'input variables',
  'split.test': 'test fraction',
  'split.validation': 'validation fraction',
  'split.seed': 'seed',
  'options.learningRate': 'learning rate',
  'options.batchSize': 'batch size',
  'options.l2': 'L2',
  'options.gridSteps': 'grid steps',
  'options.samples': 'cut sets tried',
  'options.effSteps': 'ε_S steps',
  'options.sigmaB': 'σ_b',
  'options.bkgEff': 'fixed ε_B',
}

/** The form as a validated `TrainConfig`, or the list of what is wrong, named for the user. */
export function buildConfig(f: SetupForm): BuildResult {
  const errors: string[] = []
  const missing = parseNumberList(f.missingValues, 'missing values')
  if (typeof missing === 'string') errors.push(missing)
  let options: unknown = {}
  if (f.kind === 'cuts') options = f.cuts
  else if (f.kind === 'mlp') {
    const layers = parseLayers(f.mlp.layers)
    if (typeof layers === 'string') errors.push(layers)
    else options = { ...f.mlp, layers }
  }
  if (errors.length) return { ok: false, errors }
  const raw = {
    kind: f.kind,
    name: f.name,
    signal: f.signal,
    background: f.background,
    region: f.region,
    inputs: f.inputs,
    weights: { norm: f.norm, negative: f.negative },
    split: { test: f.test, validation: f.validation, seed: f.seed },
    preprocess: { standardise: f.standardise, decorrelate: f.decorrelate },
    missing: { values: typeof missing === 'string' ? [] : missing, policy: f.missingPolicy },
    options,
  }
  const parsed = TrainConfig.safeParse(raw)
  if (parsed.success) return { ok: true, config: parsed.data }
  return {
    ok: false,
    errors: parsed.error.issues.map((i) => {
      const path = i.path.map(String).join('.')
      const label = FIELD_LABELS[path] ?? (path.replace(/^options\./, '') || 'set-up')
      return `${label}: ${i.message}`
    }),
  }
}

function pick<T>(value: unknown, ok: (v: unknown) => boolean, fallback: T): T {
  return ok(value) ? (value as T) : fallback
}
const isNum = (v: unknown) => typeof v === 'number' && Number.isFinite(v)
const isStr = (v: unknown) => typeof v === 'string'
const isBool = (v: unknown) => typeof v === 'boolean'
const isStrings = (v: unknown) => Array.isArray(v) && v.every(isStr)
const oneOf = (values: readonly string[]) => (v: unknown) =>
  isStr(v) && values.includes(v as string)

/**
 * A stored form (any JSON, possibly from an older version) merged over the defaults: each field
 * that has the right type is kept, anything else falls back to its default.
 */
export function restoreForm(saved: unknown): SetupForm {
  const d = defaultForm()
  if (typeof saved !== 'object' || saved === null) return d
  const s = saved as Record<string, unknown>
  const c = (typeof s.cuts === 'object' && s.cuts !== null ? s.cuts : {}) as Record<string, unknown>
  const m = (typeof s.mlp === 'object' && s.mlp !== null ? s.mlp : {}) as Record<string, unknown>
  const cuts = CutsOptions.safeParse({ ...d.cuts, ...c })
  return {
    kind: pick(s.kind, oneOf(['lda', 'cuts', 'mlp']), d.kind),
    name: pick(s.name, isStr, d.name),
    signal: pick(s.signal, isStrings, d.signal),
    background: pick(s.background, isStrings, d.background),
    region: pick(s.region, (v) => v === null || isStr(v), d.region),
    inputs: pick(s.inputs, isStrings, d.inputs),
    norm: pick(s.norm, oneOf(NormMode.options), d.norm),
    negative: pick(s.negative, oneOf(['keep', 'ignore']), d.negative),
    test: pick(s.test, isNum, d.test),
    validation: pick(s.validation, isNum, d.validation),
    seed: pick(s.seed, isNum, d.seed),
    standardise: pick(s.standardise, isBool, d.standardise),
    decorrelate: pick(s.decorrelate, isBool, d.decorrelate),
    missingValues: pick(s.missingValues, isStr, d.missingValues),
    missingPolicy: pick(s.missingPolicy, oneOf(['mean', 'drop']), d.missingPolicy),
    cuts: cuts.success ? cuts.data : d.cuts,
    mlp: {
      layers: pick(m.layers, isStr, d.mlp.layers),
      activation: pick(m.activation, oneOf(Activation.options), d.mlp.activation),
      leakyAlpha: pick(m.leakyAlpha, isNum, d.mlp.leakyAlpha),
      dropout: pick(m.dropout, isNum, d.mlp.dropout),
      l2: pick(m.l2, isNum, d.mlp.l2),
      optimizer: pick(m.optimizer, oneOf(['adam', 'sgd']), d.mlp.optimizer),
      learningRate: pick(m.learningRate, isNum, d.mlp.learningRate),
      momentum: pick(m.momentum, isNum, d.mlp.momentum),
      batchSize: pick(m.batchSize, isNum, d.mlp.batchSize),
      epochs: pick(m.epochs, isNum, d.mlp.epochs),
      patience: pick(m.patience, isNum, d.mlp.patience),
    },
  }
}
