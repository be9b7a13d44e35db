/**
 * `hepwb bench inferno`: the INFERNO paper benchmark (De Castro & Dorigo 2019, table 2) on the
 * built-in synthetic 3D problem — INFERNO trained for the chosen benchmark and the cross-entropy
 * baseline, several initialisations, median expected σ_s of each beside the published ones.
 */
import type { Command } from 'commander'
import { chooseBackend } from '../../engine/ml/backend'
import {
  BENCHMARKS,
  BENCHMARK_NAMES,
  type BenchmarkName,
  isBenchmarkName,
} from '../../engine/ml/inferno/benchmarks'
import {
  median,
  runBenchmark,
  type SeedResult,
  type TrainedResult,
} from '../../engine/ml/inferno/benchmark-run'
import { BCE_DEFAULTS, INFERNO_DEFAULTS, type OptimizerName } from '../../engine/ml/inferno/train'
import { UsageError, action, type GlobalOptions } from '../action'
import { numberOption } from './fit'

interface BenchInfernoOptions extends GlobalOptions {
  benchmark: string
  seeds?: string
  epochs?: string
  bceEpochs?: string
  bceBatchSize?: string
  trainEvents?: string
  testEvents?: string
  dataSeed?: string
  batchSize?: string
  lr?: string
  optimizer?: string
  tau?: string
  bins?: string
  patience?: string
  only?: string
  sigma: string
}

/** The issue's JSON shape, one per benchmark (a method left out with --only: empty, null). */
export interface BenchInfernoOutput {
  benchmark: string
  bce: { sigma_s: number[]; median: number | null }
  inferno: { sigma_s: number[]; median: number | null }
  seconds_per_epoch: { bce: number | null; inferno: number | null }
  backend: string
}

/** With --json only `out` is printed (toJSON): one object, or an array for several benchmarks. */
interface BenchRun {
  out: BenchInfernoOutput[]
  toJSON(): BenchInfernoOutput | BenchInfernoOutput[]
  results: SeedResult[]
  settings: string
  validationSeconds: { bce: number | null; inferno: number | null }
}

const DEFAULTS = {
  seeds: 3,
  epochs: 40,
  bceEpochs: 10,
  trainEvents: 100_000,
  testEvents: 200_000,
  patience: 10,
}

function intOption(v: string | undefined, flag: string, fallback: number, min: number): number {
  const n = numberOption(v, flag, fallback)
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`${flag} expects an integer ≥ ${min}, got '${v}'`)
  return n
}

const round = (v: number, digits = 4): number =>
  Number.isFinite(v) ? Number(v.toPrecision(digits)) : NaN
const mean = (xs: number[]): number | null =>
  xs.length ? round(xs.reduce((a, b) => a + b, 0) / xs.length, 3) : null

/** "B2", "B0,B2,B4" or "all" → benchmark names, in table order. */
function benchmarkList(v: string): BenchmarkName[] {
  const names = v === 'all' ? [...BENCHMARK_NAMES] : v.split(',').map((x) => x.trim())
  for (const n of names)
    if (!isBenchmarkName(n))
      throw new UsageError(
        `--benchmark takes ${BENCHMARK_NAMES.join(', ')}, a comma-separated list of them or all; got '${n}'`,
      )
  return BENCHMARK_NAMES.filter((n) => names.includes(n))
}

async function run(o: BenchInfernoOptions): Promise<BenchRun> {
  const names = benchmarkList(o.benchmark)
  if (o.sigma !== 'profile' && o.sigma !== 'fisher')
    throw new UsageError(`--sigma must be profile or fisher, got '${o.sigma}'`)
  if (o.only !== undefined && o.only !== 'inferno' && o.only !== 'bce')
    throw new UsageError(`--only must be inferno or bce, got '${o.only}'`)
  const optimizer = (o.optimizer ?? INFERNO_DEFAULTS.optimizer) as OptimizerName
  if (optimizer !== 'adam' && optimizer !== 'sgd')
    throw new UsageError(`--optimizer must be adam or sgd, got '${o.optimizer}'`)
  const seeds = intOption(o.seeds, '--seeds', DEFAULTS.seeds, 1)
  const epochs = intOption(o.epochs, '--epochs', DEFAULTS.epochs, 1)
  const bceEpochs = intOption(o.bceEpochs, '--bce-epochs', DEFAULTS.bceEpochs, 1)
  const bceBatch = intOption(o.bceBatchSize, '--bce-batch-size', BCE_DEFAULTS.batchSize, 1)
  const trainEvents = intOption(o.trainEvents, '--train-events', DEFAULTS.trainEvents, 100)
  const testEvents = intOption(o.testEvents, '--test-events', DEFAULTS.testEvents, 100)
  const dataSeed = intOption(o.dataSeed, '--data-seed', 1, 0)
  const batchSize = intOption(o.batchSize, '--batch-size', INFERNO_DEFAULTS.batchSize, 2)
  const bins = intOption(o.bins, '--bins', INFERNO_DEFAULTS.bins, 2)
  const patience = intOption(o.patience, '--patience', DEFAULTS.patience, 0)
  const lr = numberOption(o.lr, '--lr', INFERNO_DEFAULTS.learningRate)
  const tau = numberOption(o.tau, '--tau', INFERNO_DEFAULTS.tau)
  if (!(lr > 0)) throw new UsageError(`--lr must be > 0, got '${o.lr}'`)
  if (!(tau > 0)) throw new UsageError(`--tau must be > 0, got '${o.tau}'`)
  const { tf, backend } = await chooseBackend()
  const settings =
    `${names.map((n) => `${n} (${BENCHMARKS[n].description})`).join('; ')}; ${seeds} seed(s); ${trainEvents} training + ${trainEvents} validation + ${testEvents} test events (data seed ${dataSeed}); ` +
    (o.only === 'bce'
      ? ''
      : `INFERNO: ${bins} bins, τ ${tau}, ${optimizer} lr ${lr}, batch ${batchSize}, ≤ ${epochs} epochs (patience ${patience}); `) +
    (o.only === 'inferno'
      ? ''
      : `cross entropy: ${BCE_DEFAULTS.optimizer} lr ${BCE_DEFAULTS.learningRate}, batch ${bceBatch}, ≤ ${bceEpochs} epochs, trained once per seed; `) +
    `σ_s from the ${o.sigma === 'profile' ? 'profile likelihood (stats engine, Δ(−2lnL) = 1)' : 'Asimov Fisher information'} of the test-set templates; backend ${backend}`
  process.stderr.write(`hepwb bench inferno: ${settings}\n`)
  const results = await runBenchmark(
    tf,
    {
      benchmarks: names.map((n) => BENCHMARKS[n]),
      seeds,
      dataSeed,
      trainEvents,
      testEvents,
      inferno: {
        hidden: INFERNO_DEFAULTS.hidden,
        bins,
        tau,
        optimizer,
        learningRate: lr,
        batchSize,
        epochs,
        patience,
        steps: INFERNO_DEFAULTS.steps,
      },
      bce: { ...BCE_DEFAULTS, batchSize: bceBatch, epochs: bceEpochs, patience },
      only: o.only as 'inferno' | 'bce' | undefined,
    },
    (r) => {
      const pick = (t: TrainedResult | null): string =>
        t
          ? `${t.evaluation.profile.sigmaS.toFixed(2)} (Fisher ${t.evaluation.sigmaFisher.toFixed(2)})`
          : '–'
      process.stderr.write(
        `seed ${r.seed} ${r.benchmark}: INFERNO ${pick(r.inferno)}, cross entropy ${pick(r.bce)}\n`,
      )
    },
  )
  const sigma = (t: TrainedResult): number =>
    round(o.sigma === 'profile' ? t.evaluation.profile.sigmaS : t.evaluation.sigmaFisher)
  const trained = (rs: SeedResult[], k: 'inferno' | 'bce'): TrainedResult[] =>
    rs.flatMap((r) => (r[k] ? [r[k]] : []))
  const summary = (rs: SeedResult[], k: 'inferno' | 'bce') => {
    const xs = trained(rs, k).map(sigma)
    return { sigma_s: xs, median: xs.length ? round(median(xs)) : null }
  }
  const out = names.map((name): BenchInfernoOutput => {
    const rs = results.filter((r) => r.benchmark === name)
    return {
      benchmark: name,
      bce: summary(rs, 'bce'),
      inferno: summary(rs, 'inferno'),
      seconds_per_epoch: {
        bce: mean(trained(rs, 'bce').map((t) => t.trainSeconds)),
        inferno: mean(trained(rs, 'inferno').map((t) => t.trainSeconds)),
      },
      backend,
    }
  })
  return {
    out,
    toJSON: () => (out.length === 1 ? out[0] : out),
    results,
    settings,
    validationSeconds: {
      bce: mean(trained(results, 'bce').map((t) => t.validationSeconds)),
      inferno: mean(trained(results, 'inferno').map((t) => t.validationSeconds)),
    },
  }
}

function human(r: BenchRun): string {
  const lines = [`settings: ${r.settings}`, '']
  const cell = (t: TrainedResult | null, w: number): string =>
    (t
      ? `${t.evaluation.profile.sigmaS.toFixed(2)} ${t.evaluation.sigmaFisher.toFixed(2).padStart(7)} ${String(t.epochs).padStart(7)}`
      : '–'
    ).padStart(w)
  lines.push('bench seed   INFERNO profile  Fisher  epochs | cross entropy profile  Fisher  epochs')
  for (const s of r.results)
    lines.push(
      `${s.benchmark.padEnd(5)} ${String(s.seed).padEnd(6)} ${cell(s.inferno, 31)} | ${cell(s.bce, 37)}`,
    )
  lines.push('')
  lines.push(
    `median σ_s   ${'INFERNO profile'.padStart(16)} ${'Fisher'.padStart(8)} ${'paper'.padStart(8)} | ${'cross entropy'.padStart(14)} ${'Fisher'.padStart(8)} ${'paper'.padStart(8)}`,
  )
  for (const o of r.out) {
    const bm = BENCHMARKS[o.benchmark as BenchmarkName]
    const rs = r.results.filter((x) => x.benchmark === o.benchmark)
    const med = (k: 'inferno' | 'bce', f: (t: TrainedResult) => number): string => {
      const xs = rs.flatMap((x) => (x[k] ? [f(x[k])] : []))
      return xs.length ? median(xs).toFixed(2) : '–'
    }
    lines.push(
      `  ${o.benchmark.padEnd(10)} ${med('inferno', (t) => t.evaluation.profile.sigmaS).padStart(16)} ${med('inferno', (t) => t.evaluation.sigmaFisher).padStart(8)} ${bm.paper.inferno.toFixed(2).padStart(8)} | ` +
        `${med('bce', (t) => t.evaluation.profile.sigmaS).padStart(14)} ${med('bce', (t) => t.evaluation.sigmaFisher).padStart(8)} ${bm.paper.bce.toFixed(2).padStart(8)}`,
    )
  }
  lines.push('')
  const sec = (k: 'inferno' | 'bce'): string =>
    `${mean(r.out.flatMap((o) => (o.seconds_per_epoch[k] === null ? [] : [o.seconds_per_epoch[k]!])))} train + ${r.validationSeconds[k]} validation`
  lines.push(
    `seconds per epoch (${r.out[0]?.backend}): INFERNO ${sec('inferno')}; cross entropy ${sec('bce')}`,
  )
  return lines.join('\n')
}

export function register(program: Command): void {
  const bench = program.command('bench').description('built-in benchmarks of the engine')
  bench
    .command('inferno')
    .description(
      'INFERNO vs cross entropy on the paper benchmark (De Castro & Dorigo 2019): median expected σ_s over seeds',
    )
    .option(
      '--benchmark <B>',
      `benchmark: ${BENCHMARK_NAMES.join(', ')}, a comma-separated list or all (the cross entropy is trained once per seed for all)`,
      'B2',
    )
    .option('--seeds <N>', `network initialisations (default ${DEFAULTS.seeds}; paper 100)`)
    .option('--epochs <E>', `INFERNO epochs (default ${DEFAULTS.epochs}; paper 200)`)
    .option('--bce-epochs <E>', `cross-entropy epochs (default ${DEFAULTS.bceEpochs}; paper 200)`)
    .option(
      '--train-events <N>',
      `training events, half signal; validation as many (default ${DEFAULTS.trainEvents}; paper 200000)`,
    )
    .option(
      '--bce-batch-size <N>',
      `cross-entropy batch size (default ${BCE_DEFAULTS.batchSize}; paper 32)`,
    )
    .option('--only <METHOD>', 'train only inferno or bce')
    .option('--test-events <N>', `test events (default ${DEFAULTS.testEvents}; paper 1000000)`)
    .option('--data-seed <N>', 'seed of the simulated data (default 1)')
    .option('--batch-size <N>', `INFERNO batch size (default ${INFERNO_DEFAULTS.batchSize})`)
    .option(
      '--optimizer <NAME>',
      `INFERNO optimiser adam|sgd (default ${INFERNO_DEFAULTS.optimizer}; paper sgd, lr 1e-6)`,
    )
    .option('--lr <RATE>', `INFERNO learning rate (default ${INFERNO_DEFAULTS.learningRate})`)
    .option('--tau <T>', `softmax temperature in training (default ${INFERNO_DEFAULTS.tau})`)
    .option('--bins <N>', `INFERNO summary bins (default ${INFERNO_DEFAULTS.bins})`)
    .option(
      '--patience <N>',
      `early stopping patience in epochs, 0 off (default ${DEFAULTS.patience})`,
    )
    .option(
      '--sigma <HOW>',
      'σ_s reported in sigma_s: profile (stats engine) or fisher (paper table)',
      'profile',
    )
    .action(action<BenchInfernoOptions, BenchRun>((_args, o) => run(o), human))
}
