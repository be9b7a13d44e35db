/**
 * The search space as the Tune view edits it — one row per parameter — and its defaults per
 * method, so one click tunes with a sensible space. Rows become the `space` of tune.start (the
 * same JSON as `hepwb tune`); a row that cannot is named in the errors.
 */
import { InfernoTuneConfig, type TuneMetric, type TuneSpace } from '../../../shared/contract/tune'

export interface SpaceRow {
  /** Dotted path into the training config (`options.learningRate`, `options.layers.0`). */
  name: string
  type: 'int' | 'float' | 'choice'
  lo: number
  hi: number
  log: boolean
  /** Choices as a JSON list (`[128, 256]`, `[[32], [64, 64]]`). */
  choices: string
  /** Active only when this earlier parameter… ('' always) */
  when: string
  /** …takes one of these values (a JSON list). */
  whenIn: string
}

const row = (r: Partial<SpaceRow> & Pick<SpaceRow, 'name' | 'type'>): SpaceRow => ({
  lo: 0,
  hi: 1,
  log: false,
  choices: '[]',
  when: '',
  whenIn: '[]',
  ...r,
})

/** The default space of a method (Fisher has no hyperparameters: none). */
export function defaultSpace(kind: string): SpaceRow[] {
  switch (kind) {
    case 'mlp':
      return [
        row({ name: 'options.layers.length', type: 'int', lo: 1, hi: 3 }),
        row({ name: 'options.layers.0', type: 'choice', choices: '[16, 32, 64, 128]' }),
        row({
          name: 'options.layers.1',
          type: 'choice',
          choices: '[16, 32, 64, 128]',
          when: 'options.layers.length',
          whenIn: '[2, 3]',
        }),
        row({
          name: 'options.layers.2',
          type: 'choice',
          choices: '[16, 32, 64]',
          when: 'options.layers.length',
          whenIn: '[3]',
        }),
        row({ name: 'options.learningRate', type: 'float', lo: 1e-4, hi: 1e-2, log: true }),
        row({ name: 'options.batchSize', type: 'choice', choices: '[128, 256, 512]' }),
        row({ name: 'options.dropout', type: 'float', lo: 0, hi: 0.3 }),
      ]
    case 'cuts':
      return [
        row({ name: 'options.search', type: 'choice', choices: '["grid", "random", "genetic"]' }),
        row({ name: 'options.samples', type: 'int', lo: 1000, hi: 50000, log: true }),
        row({ name: 'options.gridSteps', type: 'int', lo: 4, hi: 16 }),
      ]
    case 'ae':
    case 'vae':
      return [
        row({ name: 'options.latent', type: 'int', lo: 2, hi: 8 }),
        row({ name: 'options.encoder', type: 'choice', choices: '[[16], [32, 16], [64, 32]]' }),
        row({ name: 'options.learningRate', type: 'float', lo: 1e-4, hi: 1e-2, log: true }),
        row({ name: 'options.batchSize', type: 'choice', choices: '[128, 256, 512]' }),
      ]
    case 'inferno':
      // The grid the INFERNO paper's studies vary: summary bins, softmax temperature, the
      // optimiser's step and batch.
      return [
        row({ name: 'bins', type: 'int', lo: 4, hi: 20 }),
        row({ name: 'tau', type: 'float', lo: 0.05, hi: 1, log: true }),
        row({ name: 'learningRate', type: 'float', lo: 1e-4, hi: 1e-2, log: true }),
        row({ name: 'batchSize', type: 'choice', choices: '[500, 1000, 2000]' }),
      ]
    default:
      return []
  }
}

/** INFERNO's paper-benchmark set-up in the Tune view (the rest: `hepwb bench inferno`'s defaults). */
export interface InfernoTuneForm {
  benchmark: 'B0' | 'B1' | 'B2' | 'B3' | 'B4'
  epochs: number
  seeds: number
  trainEvents: number
  testEvents: number
}

export const defaultInfernoTuneForm = (): InfernoTuneForm => ({
  benchmark: 'B2',
  epochs: 20,
  seeds: 1,
  trainEvents: 20_000,
  testEvents: 50_000,
})

/** The training config of an INFERNO study (what tune.start's `train` gets), or its errors. */
export function infernoTuneConfig(
  f: InfernoTuneForm,
): { ok: true; config: InfernoTuneConfig } | { ok: false; errors: string[] } {
  const errors: string[] = []
  const whole = (name: string, v: number, lo: number, hi: number) => {
    if (!(Number.isInteger(v) && v >= lo && v <= hi))
      errors.push(`${name}: a whole number from ${lo} to ${hi}`)
  }
  whole('epochs', f.epochs, 1, 1000)
  whole('seeds', f.seeds, 1, 20)
  whole('training events', f.trainEvents, 200, 400_000)
  whole('test events', f.testEvents, 200, 2_000_000)
  if (errors.length) return { ok: false, errors }
  const parsed = InfernoTuneConfig.safeParse({ kind: 'inferno', ...f })
  return parsed.success
    ? { ok: true, config: parsed.data }
    : { ok: false, errors: parsed.error.issues.map((i) => i.message) }
}

/** The objectives a method offers, with their default direction. */
export function objectivesOf(
  kind: string,
): { metric: TuneMetric; label: string; direction: 'minimize' | 'maximize' }[] {
  if (kind === 'inferno')
    return [
      { metric: 'sigma_poi', label: 'σ of the signal yield (POI)', direction: 'minimize' },
      { metric: 'val_loss', label: 'validation loss', direction: 'minimize' },
    ]
  if (kind === 'ae' || kind === 'vae')
    return [
      { metric: 'anomaly_auc', label: 'anomaly AUC (first signal)', direction: 'maximize' },
      { metric: 'val_loss', label: 'validation loss', direction: 'minimize' },
    ]
  const all = [
    { metric: 'auc_test' as const, label: 'test AUC (weighted)', direction: 'maximize' as const },
    { metric: 'val_loss' as const, label: 'validation loss', direction: 'minimize' as const },
    {
      metric: 'eff_s_at_eff_b' as const,
      label: 'ε_S at fixed ε_B',
      direction: 'maximize' as const,
    },
    {
      metric: 'discovery_z' as const,
      label: 'expected discovery Z (binned fit)',
      direction: 'maximize' as const,
    },
    {
      metric: 'significance' as const,
      label: 'S/√(S+B) at the best cut',
      direction: 'maximize' as const,
    },
  ]
  // Only networks have a validation loss; rectangular cuts have no output to bin or cut on.
  const without =
    kind === 'mlp'
      ? []
      : kind === 'cuts'
        ? ['val_loss', 'discovery_z', 'significance']
        : ['val_loss']
  return all.filter((o) => !without.includes(o.metric))
}

function parseList(text: string): unknown[] | null {
  try {
    const v = JSON.parse(text) as unknown
    return Array.isArray(v) && v.length ? v : null
  } catch {
    return null
  }
}

/** The rows as the contract's space, or what is wrong with them. */
export function buildSpace(rows: readonly SpaceRow[]): { space: TuneSpace; errors: string[] } {
  const space: TuneSpace = {}
  const errors: string[] = []
  const seen = new Set<string>()
  for (const r of rows) {
    const name = r.name.trim()
    if (!name) {
      errors.push('a parameter has no name')
      continue
    }
    if (seen.has(name)) errors.push(`${name} appears twice`)
    const def: Record<string, unknown> = {}
    if (r.type === 'choice') {
      const c = parseList(r.choices)
      if (!c) errors.push(`${name}: choices are a JSON list, e.g. [128, 256]`)
      def.choice = c ?? []
    } else {
      if (!(Number.isFinite(r.lo) && Number.isFinite(r.hi) && r.lo <= r.hi))
        errors.push(`${name}: the range needs lo ≤ hi`)
      if (r.log && !(r.lo > 0)) errors.push(`${name}: a log range starts above 0`)
      if (r.type === 'int' && !(Number.isInteger(r.lo) && Number.isInteger(r.hi)))
        errors.push(`${name}: an integer range has whole-number ends`)
      def[r.type] = [r.lo, r.hi]
      if (r.log) def.log = true
    }
    if (r.when) {
      if (!seen.has(r.when)) errors.push(`${name}: "${r.when}" is not an earlier parameter`)
      const values = parseList(r.whenIn)
      if (!values) errors.push(`${name}: the values of its condition are a JSON list`)
      def.when = { param: r.when, in: values ?? [] }
    }
    seen.add(name)
    space[name] = def
  }
  return { space, errors }
}
