/**
 * `hepwb tune CONFIG.json [--parallel N] [--threads N] --json`: a hyperparameter study of a classifier
 * training (issue 15). CONFIG holds "train" (the `hepwb train` config, inline or the path of
 * its file; its "spec" relative to the file that names it), "space" (dotted paths into the
 * training config), "objective", "algorithm" (grid | random | tpe), "pruner" (none | median |
 * hyperband, the training's epochs the full resource), "trials", "parallel" and "seed". Trials
 * run on the executor given to `tuneCommand` (this process unless a caller passes the
 * worker pool or the cluster). `--threads N` without `--parallel` or a "parallel" in CONFIG
 * runs min(N, trials) trials at once, one per thread, so the threads asked for do not sit idle.
 */
import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import type { Command } from 'commander'
import { type TaskExecutor, inlineExecutor } from '../../engine/app/task'
import { tuneStudy, type TuneRequest } from '../../engine/app/tune-study'
import {
  OBJECTIVE_METRICS,
  type ObjectiveMetric,
  defaultDirection,
} from '../../engine/app/tune-trial'
import { InputError } from '../../engine/io/errors'
import { parseJsonFile } from '../../engine/io/json-file'
import { silentContext } from '../../engine/jobs/context'
import { SpaceError, parseSpace } from '../../engine/tune/space'
import type { Direction } from '../../engine/tune/trial'
import { UsageError, action, secondsSince, type GlobalOptions } from '../action'
import { defaultMemoryBudget } from '../../engine/app/memory-budget'
import { memoryOption, runOptions, threadsOption, withRunExecutor } from '../run-options'
import { isProjectFile } from '../event-source'
import type { AnalysisSpec } from '../../../shared/spec'
import { resolvePaths } from '../../engine/select/spec-file'
import { Project } from '../../engine/store/project'
import { projectToSpec } from '../../engine/store/spec-io'
import { readConfigObject } from '../training-config'

interface TuneOptions extends GlobalOptions {
  parallel?: string
  /**
   * Trials at once when neither --parallel nor CONFIG's "parallel" says (--threads N gives N;
   * capped at the trials); default 1.
   */
  impliedParallel?: number
}

/** CONFIG as read: its "parallel" only when it names one. */
export type TuneConfig = Omit<TuneRequest, 'parallel'> & { readonly parallel?: number }

export interface TuneOutput {
  algorithm: TuneRequest['algorithm']
  pruner: TuneRequest['pruner']
  objective: { name: ObjectiveMetric; direction: Direction }
  trials: {
    number: number
    params: Record<string, unknown>
    value: number | null
    state: 'complete' | 'pruned' | 'failed'
    epochs: number
    seconds: number
    /** The share of the training events its last model trained on (fraction resource). */
    fraction?: number
    reason?: string
  }[]
  best: { number: number; params: Record<string, unknown>; value: number } | null
  total_epochs: number
  seconds: number
  /** The time budget stopped the study before its trials. */
  timed_out: boolean
  /** Trials that ran at the same time. */
  parallel: number
  executor: string
}

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x)

function oneOf<T extends string>(
  file: string,
  key: string,
  v: unknown,
  allowed: readonly T[],
  d: T,
): T {
  if (v === undefined) return d
  if (typeof v !== 'string' || !allowed.includes(v as T))
    throw new UsageError(`${file}: "${key}" is one of ${allowed.join(', ')}`)
  return v as T
}

function positiveInt(file: string, key: string, v: unknown, d: number): number {
  if (v === undefined) return d
  if (!Number.isInteger(v) || (v as number) < 1)
    throw new UsageError(`${file}: "${key}" is a whole number ≥ 1`)
  return v as number
}

/** The spec of a project file (opened read-only), its sample paths absolute. */
function projectSpec(file: string): AnalysisSpec {
  const project = Project.openReadOnly(file)
  try {
    const dir = dirname(file)
    return resolvePaths(projectToSpec(project, dir), dir)
  } finally {
    project.close()
  }
}

function timeoutOf(file: string, v: unknown): number | null {
  if (v === undefined || v === null) return null
  if (typeof v !== 'number' || !(v > 0))
    throw new UsageError(`${file}: "timeout" is a number of seconds > 0`)
  return v
}

/** CONFIG as a study request; errors name the file and the key. */
export async function readTuneConfig(file: string): Promise<TuneConfig> {
  let raw: unknown
  try {
    raw = parseJsonFile(await readFile(file, 'utf8'), file)
  } catch (e) {
    throw new UsageError(e instanceof InputError ? e.message : `${file}: ${(e as Error).message}`)
  }
  if (!isObject(raw)) throw new UsageError(`${file}: a tune config is a JSON object`)
  let trainFile = file
  let trainText: string
  if (typeof raw.train === 'string') {
    trainFile = resolve(dirname(file), raw.train)
    trainText = await readFile(trainFile, 'utf8').catch((e: Error) => {
      throw new UsageError(`${file}: "train": cannot read ${trainFile}: ${e.message}`)
    })
  } else if (isObject(raw.train)) trainText = JSON.stringify(raw.train)
  else throw new UsageError(`${file}: "train" is the training config (an object or its file)`)
  // INFERNO's paper benchmark simulates its events: no spec.
  const inferno = (JSON.parse(trainText) as { kind?: unknown }).kind === 'inferno'
  const { rest, source } = inferno
    ? { rest: JSON.parse(trainText) as Record<string, unknown>, source: '' }
    : readConfigObject(trainFile, trainText)
  // A project's trials read its samples through its spec (files, variables, regions).
  const spec = !inferno && isProjectFile(source) ? projectSpec(source) : source
  let space
  try {
    space = parseSpace(raw.space)
  } catch (e) {
    if (e instanceof SpaceError) throw new UsageError(`${file}: ${e.message}`)
    throw e
  }
  const o = isObject(raw.objective) ? raw.objective : {}
  const metric = oneOf(file, 'objective.metric', o.metric, OBJECTIVE_METRICS, 'auc_test')
  const direction = oneOf(
    file,
    'objective.direction',
    o.direction,
    ['minimize', 'maximize'] as const,
    defaultDirection(metric),
  )
  const effB = o.effB === undefined ? undefined : Number(o.effB)
  if (effB !== undefined && !(effB > 0 && effB < 1))
    throw new UsageError(`${file}: "objective.effB" is a background efficiency in (0, 1)`)
  if (o.signal !== undefined && typeof o.signal !== 'string')
    throw new UsageError(`${file}: "objective.signal" is a signal sample's name`)
  const seed = raw.seed === undefined ? 1 : Number(raw.seed)
  if (!Number.isInteger(seed)) throw new UsageError(`${file}: "seed" is an integer`)
  const pruner = oneOf(file, 'pruner', raw.pruner, ['none', 'median', 'hyperband'] as const, 'none')
  const resource = oneOf(file, 'resource', raw.resource, ['epochs', 'fraction'] as const, 'epochs')
  if (resource === 'fraction' && (pruner !== 'hyperband' || rest.kind !== 'mlp'))
    throw new UsageError(
      `${file}: "resource": "fraction" (the training-data fraction) is Hyperband's resource for an mlp`,
    )
  const minFraction = raw.minFraction === undefined ? undefined : Number(raw.minFraction)
  if (minFraction !== undefined && !(minFraction > 0 && minFraction < 1))
    throw new UsageError(`${file}: "minFraction" is the smallest training-data fraction, in (0, 1)`)
  return {
    resource,
    minFraction,
    spec,
    train: rest,
    space,
    objective: { metric, direction, effB, signal: o.signal as string | undefined },
    algorithm: oneOf(file, 'algorithm', raw.algorithm, ['grid', 'random', 'tpe'] as const, 'tpe'),
    pruner,
    trials: positiveInt(file, 'trials', raw.trials, 20),
    ...(raw.parallel === undefined
      ? {}
      : { parallel: positiveInt(file, 'parallel', raw.parallel, 1) }),
    seed,
    timeout: timeoutOf(file, raw.timeout),
  }
}

/** Runs the study of CONFIG on `executor` (this process by default). */
export async function tuneCommand(
  file: string,
  options: TuneOptions,
  executor: TaskExecutor = inlineExecutor,
): Promise<TuneOutput> {
  const t0 = performance.now()
  const request = await readTuneConfig(file)
  const parallel =
    options.parallel !== undefined
      ? positiveInt('--parallel', 'N', Number(options.parallel), 1)
      : (request.parallel ?? Math.max(1, Math.min(options.impliedParallel ?? 1, request.trials)))
  // --memory, else a quarter of this machine's memory (what `hepwb train` streams beyond).
  const memory = memoryOption() ?? defaultMemoryBudget()
  const result = await tuneStudy({ ...request, parallel, memory }, executor, silentContext())
  const trials = result.trials.map((t) => ({
    number: t.number,
    params: { ...t.params },
    value: t.value,
    state: t.state as 'complete' | 'pruned' | 'failed',
    epochs: t.epochs,
    seconds: Math.round(t.seconds * 1000) / 1000,
    ...(t.fraction !== undefined ? { fraction: t.fraction } : {}),
    ...(t.reason ? { reason: t.reason } : {}),
  }))
  const best = result.best
  return {
    algorithm: request.algorithm,
    pruner: request.pruner,
    objective: { name: request.objective.metric, direction: request.objective.direction },
    trials,
    best: best ? { number: best.number, params: { ...best.params }, value: best.value! } : null,
    total_epochs: trials.reduce((s, t) => s + t.epochs, 0),
    seconds: secondsSince(t0),
    timed_out: result.timedOut,
    parallel,
    executor: executor.describe(),
  }
}

function human(r: TuneOutput): string {
  const f = (x: number | null) => (x === null ? '–' : x.toFixed(4))
  const lines = r.trials.map(
    (t) =>
      `#${t.number} ${t.state.padEnd(8)} ${f(t.value)}  ${t.epochs} epochs  ${JSON.stringify(t.params)}` +
      (t.reason ? `  (${t.reason})` : ''),
  )
  lines.push(
    r.best
      ? `best #${r.best.number}: ${r.objective.name} = ${f(r.best.value)} ${JSON.stringify(r.best.params)}`
      : 'no trial completed',
    `${r.algorithm}, pruner ${r.pruner}: ${r.trials.length} trials, ${r.total_epochs} epochs, ${r.seconds.toFixed(1)} s on ${r.executor}`,
  )
  return lines.join('\n')
}

export function register(program: Command, executor?: () => TaskExecutor): void {
  program
    .command('tune')
    .description('tune a classifier: grid, random or TPE search with median or Hyperband pruning')
    .argument(
      '<config>',
      'study config JSON: train, space, objective, algorithm, pruner, trials, seed',
    )
    .option(
      '--parallel <n>',
      'trials run at the same time (overrides the config; with --threads N and neither: min(N, trials))',
    )
    .action(
      action(async (args, o: TuneOptions) => {
        if (executor) {
          const ex = executor()
          try {
            return await tuneCommand(args[0], o, ex)
          } finally {
            await ex.close()
          }
        }
        // Trials train networks: on worker threads or a cluster only when asked (--threads,
        // --cluster), since each thread loads its own TensorFlow.js.
        const { threads, cluster } = runOptions()
        if (threads === undefined && cluster === undefined)
          return tuneCommand(args[0], o, inlineExecutor)
        // --threads N: one trial per thread unless the trials at once are named.
        const implied = cluster === undefined ? { impliedParallel: threadsOption() } : {}
        return withRunExecutor((ex) =>
          tuneCommand(args[0], { ...o, ...implied }, ex ?? inlineExecutor),
        )
      }, human),
    )
}
