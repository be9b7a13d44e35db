/**
 * `hepwb bench inferno`: the INFERNO paper benchmark (De Castro & Dorigo 2019, table 2) on the
 * built-in synthetic 3D problem — INFERNO trained for the chosen benchmark and the cross-entropy
 * baseline, several initialisations, median expected σ_s of each beside the published ones.
 */
import type { Command } from 'commander'
import { chooseBackend } from '../../engine/ml/backend'
import { BENCHMARKS, BENCHMARK_NAMES, isBenchmarkName } from '../../engine/ml/inferno/benchmarks'
import { median, runBenchmark, type SeedResult } from '../../engine/ml/inferno/benchmark-run'
import { BCE_DEFAULTS, INFERNO_DEFAULTS, type OptimizerName } from '../../engine/ml/inferno/train'
import { UsageError, action, type GlobalOptions } from '../action'
import { numberOption } from './fit'

interface BenchInfernoOptions extends GlobalOptions {
  benchmark: string
  seeds?: string
  epochs?: string
  bceEpochs?: string
  trainEvents?: string
  testEvents?: string
  dataSeed?: string
  batchSize?: string
  lr?: string
  optimizer?: string
  tau?: string
  bins?: string
  patience?: string
  sigma: string
}

/** The JSON shape. */
export interface BenchInfernoOutput {
  benchmark: string
  bce: { sigma_s: number[]; median: number }
  inferno: { sigma_s: number[]; median: number }
  seconds_per_epoch: { bce: number; inferno: number }
  backend: string
}

/** With --json only `out` is printed (toJSON); the human table also shows the per-seed detail. */
interface BenchRun {
  out: BenchInfernoOutput
  toJSON(): BenchInfernoOutput
  seeds: SeedResult[]
  settings: string
  validationSeconds: { bce: number; inferno: number }
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
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1)

async function run(o: BenchInfernoOptions): Promise<BenchRun> {
  if (!isBenchmarkName(o.benchmark))
    throw new UsageError(
      `--benchmark must be one of ${BENCHMARK_NAMES.join(', ')}, got '${o.benchmark}'`,
    )
  if (o.sigma !== 'profile' && o.sigma !== 'fisher')
    throw new UsageError(`--sigma must be profile or fisher, got '${o.sigma}'`)
  const optimizer = (o.optimizer ?? INFERNO_DEFAULTS.optimizer) as OptimizerName
  if (optimizer !== 'adam' && optimizer !== 'sgd')
    throw new UsageError(`--optimizer must be adam or sgd, got '${o.optimizer}'`)
  const bm = BENCHMARKS[o.benchmark]
  const seeds = intOption(o.seeds, '--seeds', DEFAULTS.seeds, 1)
  const epochs = intOption(o.epochs, '--epochs', DEFAULTS.epochs, 1)
  const bceEpochs = intOption(o.bceEpochs, '--bce-epochs', DEFAULTS.bceEpochs, 1)
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
    `${bm.name} (${bm.description}); ${seeds} seed(s); ${trainEvents} training + ${trainEvents} validation + ${testEvents} test events (data seed ${dataSeed}); ` +
    `INFERNO: ${bins} bins, τ ${tau}, ${optimizer} lr ${lr}, batch ${batchSize}, ≤ ${epochs} epochs (patience ${patience}); ` +
    `cross entropy: ${BCE_DEFAULTS.optimizer} lr ${BCE_DEFAULTS.learningRate}, batch ${BCE_DEFAULTS.batchSize}, ≤ ${bceEpochs} epochs; ` +
    `σ_s from the ${o.sigma === 'profile' ? 'profile likelihood (stats engine, Δ(−2lnL) = 1)' : 'Asimov Fisher information'} of the test-set templates; backend ${backend}`
  process.stderr.write(`hepwb bench inferno: ${settings}\n`)
  const results = await runBenchmark(
    tf,
    {
      benchmark: bm,
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
      bce: { ...BCE_DEFAULTS, epochs: bceEpochs, patience },
    },
    (r) => {
      const pick = (e: SeedResult['inferno']): string =>
        `${e.profile.sigmaS.toFixed(2)} (Fisher ${e.sigmaFisher.toFixed(2)})`
      process.stderr.write(
        `seed ${r.seed}: INFERNO ${pick(r.inferno)}, cross entropy ${pick(r.bce)}\n`,
      )
    },
  )
  const sigma = (e: SeedResult['inferno']): number =>
    round(o.sigma === 'profile' ? e.profile.sigmaS : e.sigmaFisher)
  const bceSigma = results.map((r) => sigma(r.bce))
  const infSigma = results.map((r) => sigma(r.inferno))
  const out: BenchInfernoOutput = {
    benchmark: bm.name,
    bce: { sigma_s: bceSigma, median: round(median(bceSigma)) },
    inferno: { sigma_s: infSigma, median: round(median(infSigma)) },
    seconds_per_epoch: {
      bce: round(mean(results.map((r) => r.bceTrainSeconds)), 3),
      inferno: round(mean(results.map((r) => r.infernoTrainSeconds)), 3),
    },
    backend,
  }
  return {
    out,
    toJSON: () => out,
    seeds: results,
    settings,
    validationSeconds: {
      bce: round(mean(results.map((r) => r.bceValidationSeconds)), 3),
      inferno: round(mean(results.map((r) => r.infernoValidationSeconds)), 3),
    },
  }
}

function human(r: BenchRun): string {
  const bm = BENCHMARKS[r.out.benchmark as keyof typeof BENCHMARKS]
  const lines = [`settings: ${r.settings}`, '']
  lines.push('seed   INFERNO profile  Fisher  epochs | cross entropy profile  Fisher  epochs')
  for (const s of r.seeds) {
    lines.push(
      `${String(s.seed).padEnd(6)} ${s.inferno.profile.sigmaS.toFixed(2).padStart(15)} ${s.inferno.sigmaFisher
        .toFixed(2)
        .padStart(7)} ${String(s.infernoEpochs).padStart(7)} | ${s.bce.profile.sigmaS
        .toFixed(2)
        .padStart(
          21,
        )} ${s.bce.sigmaFisher.toFixed(2).padStart(7)} ${String(s.bceEpochs).padStart(7)}`,
    )
  }
  const med = (f: (s: SeedResult) => number): string => median(r.seeds.map(f)).toFixed(2)
  lines.push('')
  lines.push(
    `median σ_s            ${'profile'.padStart(8)} ${'Fisher'.padStart(8)} ${'paper'.padStart(8)}`,
  )
  lines.push(
    `  cross entropy       ${med((s) => s.bce.profile.sigmaS).padStart(8)} ${med((s) => s.bce.sigmaFisher).padStart(8)} ${bm.paper.bce.toFixed(2).padStart(8)}`,
  )
  lines.push(
    `  INFERNO ${bm.name}          ${med((s) => s.inferno.profile.sigmaS).padStart(8)} ${med((s) => s.inferno.sigmaFisher).padStart(8)} ${bm.paper.inferno.toFixed(2).padStart(8)}`,
  )
  lines.push('')
  lines.push(
    `seconds per epoch (${r.out.backend}): INFERNO ${r.out.seconds_per_epoch.inferno} train + ${r.validationSeconds.inferno} validation; ` +
      `cross entropy ${r.out.seconds_per_epoch.bce} train + ${r.validationSeconds.bce} validation`,
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
    .option('--benchmark <B>', `benchmark: ${BENCHMARK_NAMES.join(', ')}`, 'B2')
    .option('--seeds <N>', `network initialisations (default ${DEFAULTS.seeds}; paper 100)`)
    .option('--epochs <E>', `INFERNO epochs (default ${DEFAULTS.epochs}; paper 200)`)
    .option('--bce-epochs <E>', `cross-entropy epochs (default ${DEFAULTS.bceEpochs}; paper 200)`)
    .option(
      '--train-events <N>',
      `training events, half signal; validation as many (default ${DEFAULTS.trainEvents}; paper 200000)`,
    )
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
