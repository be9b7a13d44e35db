/**
 * `hepwb hypotest|limit WS --patchset FILE --all`: the signal grid (app/signal-grid.ts) from the
 * command line — one row per patch with its labelled values, in signal-point order. The points
 * run on the executor of the global `--threads`/`--cluster` options (cli/run-options.ts):
 * worker threads of this machine by default, or a cluster's `hepwb worker`s.
 */
import type { Command } from 'commander'
import { UsageError, secondsSince } from '../action'
import { withRunExecutor } from '../run-options'
import { runSignalGrid } from '../../engine/app/signal-grid'
import { inlineExecutor, type TaskExecutor } from '../../engine/app/task'
import { silentContext } from '../../engine/jobs/context'
import { parseInterpolationCodes } from '../../engine/stats/interpolation'
import type { GridPoint, GridSettingsInput } from '../../../shared/contract/grid'
import type { ModelCliOptions } from './fit'

export interface GridCliOptions extends ModelCliOptions {
  patchset?: string
  all?: boolean
}

/** Adds --patchset and --all to hypotest and limit. */
export function addGridOptions(cmd: Command): Command {
  return cmd
    .option('--patchset <FILE>', 'a pyhf patchset of signal points (with --all)')
    .option('--all', 'every patch of --patchset: one row per signal point')
}

/** Whether the command asks for a grid; a usage error for half a grid request. */
export function wantsGrid(o: GridCliOptions): boolean {
  if (o.all && !o.patchset) throw new UsageError('--all needs --patchset FILE')
  if (o.patchset && !o.all)
    throw new UsageError(
      '--patchset runs every point with --all; for one point use --patch FILE:NAME',
    )
  if (o.patchset && o.patch) throw new UsageError('--patch and --patchset exclude each other')
  return Boolean(o.all)
}

export interface GridCliRows<Row> {
  labels: string[]
  points: Row[]
  executor: string
  seconds: number
}

/** Runs the grid of `workspace` × `o.patchset` with `settings` and the model options of `o`. */
export async function runGridCli<Row>(
  workspace: string,
  o: GridCliOptions,
  settings: GridSettingsInput,
  row: (p: GridPoint) => Row,
  executor?: TaskExecutor,
): Promise<GridCliRows<Row>> {
  const t0 = performance.now()
  let codes
  try {
    codes = parseInterpolationCodes(o.interp)
  } catch (e) {
    throw new UsageError((e as Error).message)
  }
  const sc = o.staterrorConstraint ?? 'normal'
  if (sc !== 'normal' && sc !== 'poisson')
    throw new UsageError(`--staterror-constraint must be normal or poisson, got '${sc}'`)
  if (o.poi === 'none') throw new UsageError('a signal grid needs a POI')
  const run = async (ex: TaskExecutor) => {
    const grid = await runSignalGrid(
      {
        workspace,
        patchset: o.patchset!,
        settings: {
          ...settings,
          poi: o.poi,
          measurement: o.measurement,
          codes,
          staterrorConstraint: sc,
        },
      },
      silentContext(),
      ex,
    )
    return {
      labels: grid.labels,
      points: grid.points.map(row),
      executor: grid.executor,
      seconds: secondsSince(t0),
    }
  }
  return executor ? run(executor) : withRunExecutor((ex) => run(ex ?? inlineExecutor))
}

/** The rows as a text table: name, the labelled values, then `columns`. */
export function gridTable<Row extends { name: string; values: GridPoint['values'] }>(
  r: GridCliRows<Row>,
  columns: [string, (row: Row) => string][],
): string {
  const head = ['point', ...r.labels, ...columns.map((c) => c[0])]
  const body = r.points.map((p) => [
    p.name,
    ...r.labels.map((l) => String(p.values[l] ?? '')),
    ...columns.map((c) => c[1](p)),
  ])
  const width = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(width[i])).join('  ')
  return [
    line(head),
    ...body.map(line),
    `${r.points.length} points in ${r.seconds} s (${r.executor})`,
  ].join('\n')
}
