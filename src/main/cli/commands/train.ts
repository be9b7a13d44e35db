/**
 * `hepwb train CONFIG.json [--out DIR]`: trains a classifier on the samples of an analysis spec
 * or a project (CONFIG's "spec" or "project", relative to CONFIG; a project is opened
 * read-only) — the window's training-set use case (app/training-set.ts) — and prints its metrics; --out writes the model files
 * (ml/export-model.ts) and the full result (`result.json`: summary and evaluation).
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Command } from 'commander'
import { describeZodError } from '../../../shared/api'
import { TrainConfig } from '../../../shared/contract/train'
import {
  runClassifierTraining,
  streamedJson,
  streamingNote,
} from '../../engine/app/classifier-training'
import { silentContext } from '../../engine/jobs/context'
import { exportModel } from '../../engine/ml/export-model'
import { UsageError, action, secondsSince, type GlobalOptions } from '../action'
import { withEventSource } from '../event-source'
import { readConfigObject } from '../training-config'
import {
  type AnomalyTrainOutput,
  humanAnomaly,
  isAnomalyConfig,
  trainAnomalyCommand,
} from './train-anomaly'

interface TrainOptions extends GlobalOptions {
  out?: string
}

export interface TrainOutput {
  kind: TrainConfig['kind']
  metrics: {
    auc_train: number | null
    auc_test: number | null
    ks_p_signal: number | null
    ks_p_background: number | null
  }
  /** Epochs run (networks), else 0. */
  epochs: number
  events: { train: number; test: number }
  warnings: string[]
  seconds: number
  events_per_second: number
  backend: string
  /**
   * Trained out of core (events beyond `--memory`): partitions of all samples, the map/merge
   * passes over them (Fisher, cuts; absent for the streamed network), the budget in bytes.
   * Absent: trained in memory.
   */
  streamed?: { partitions: number; passes?: number; budget_bytes: number }
  files?: string[]
}

async function readConfig(file: string): Promise<{ config: TrainConfig; source: string }> {
  const { rest, source } = readConfigObject(file, await readFile(file, 'utf8'))
  const parsed = TrainConfig.safeParse(rest)
  if (!parsed.success) throw new UsageError(`${file}: ${describeZodError(parsed.error)}`)
  return { config: parsed.data, source }
}

async function train(file: string, options: TrainOptions): Promise<TrainOutput> {
  const t0 = performance.now()
  const { config, source } = await readConfig(file)
  const ctx = silentContext()
  return withEventSource(source, async ({ source: events }) => {
    const run = await runClassifierTraining(events, config, ctx)
    const { trained, streamed } = run
    const { evaluation, summary } = trained
    const count = (p: { signal: number; background: number }) => p.signal + p.background
    const train = count(run.events.train)
    const test = count(run.events.test)
    const out: TrainOutput = {
      kind: config.kind,
      metrics: {
        auc_train: evaluation.auc_train,
        auc_test: evaluation.auc_test,
        ks_p_signal: evaluation.output?.ks_p_signal ?? null,
        ks_p_background: evaluation.output?.ks_p_background ?? null,
      },
      epochs: summary.kind === 'mlp' ? summary.epochs : 0,
      events: { train, test },
      warnings: trained.warnings,
      seconds: secondsSince(t0),
      events_per_second: Math.round(trained.eventsPerSecond),
      backend: trained.backend,
      ...(streamed ? { streamed: streamedJson(streamed) } : {}),
    }
    if (options.out) {
      const name = config.name || config.kind
      const result = { config, summary, evaluation }
      out.files = await exportModel(options.out, name, trained.stored, trained.weights, result)
      const full = join(options.out, 'result.json')
      await writeFile(full, JSON.stringify({ ...out, ...result }, null, 2) + '\n')
      out.files.push(full)
    }
    return out
  })
}

function human(r: TrainOutput): string {
  const f = (x: number | null, digits = 4) => (x === null ? '–' : x.toFixed(digits))
  const lines = [
    `${r.kind}: AUC train ${f(r.metrics.auc_train)}, test ${f(r.metrics.auc_test)}`,
    `KS p-value (train vs test): signal ${f(r.metrics.ks_p_signal, 3)}, background ${f(r.metrics.ks_p_background, 3)}`,
    `${r.events.train} training and ${r.events.test} test events${r.epochs ? `, ${r.epochs} epochs` : ''}`,
    `${r.seconds.toFixed(2)} s, ${r.events_per_second} events/s on ${r.backend}`,
    ...(r.streamed
      ? [
          `training set ${streamingNote({ partitions: r.streamed.partitions, budget: r.streamed.budget_bytes })}${r.streamed.passes ? `, ${r.streamed.passes} passes` : ''}`,
        ]
      : []),
    ...r.warnings.map((w) => `warning: ${w}`),
    ...(r.files ?? []).map((p) => `wrote ${p}`),
  ]
  return lines.join('\n')
}

export function register(program: Command): void {
  program
    .command('train')
    .description(
      'train a classifier (lda | cuts | mlp) or an anomaly model (ae | vae) on a spec or project',
    )
    .argument(
      '<config>',
      'training config JSON: kind, spec (or project), region, signal, background, inputs, split, options',
    )
    .option(
      '--out <dir>',
      'write the model (TensorFlow.js format for networks, JSON otherwise) and result.json',
    )
    .action(
      action(
        (args, o: TrainOptions): Promise<TrainOutput | AnomalyTrainOutput> =>
          isAnomalyConfig(args[0]) ? trainAnomalyCommand(args[0], o) : train(args[0], o),
        (r) =>
          'auc' in r.metrics ? humanAnomaly(r as AnomalyTrainOutput) : human(r as TrainOutput),
      ),
    )
}
