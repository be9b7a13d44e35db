import type { Command } from 'commander'
import { UsageError, action, secondsSince } from '../action'
import { observedData } from '../../engine/stats/likelihood'
import { upperLimit, upperLimitScan } from '../../engine/stats/limit'
import { linspace } from '../../engine/stats/scan'
import { addModelOptions, loadCliModel, numberOption } from './fit'
import { addGridOptions, gridTable, runGridCli, wantsGrid, type GridCliOptions } from './grid'
import { finiteOrNull } from '../../../shared/contract/common'

interface LimitCliOptions extends GridCliOptions {
  cl?: string
  testStat?: string
  scan?: string
}

export interface LimitOutput {
  poi: string | null
  cl: number
  obs: number | null
  exp: (number | null)[]
  method: 'root' | 'scan'
  converged: boolean
  warnings: string[]
  seconds: number
}

/** `--patchset FILE --all`: one row per signal point. */
export interface LimitGridOutput {
  cl: number
  labels: string[]
  points: {
    name: string
    values: Record<string, number | string>
    obs: number | null
    exp: (number | null)[]
    converged: boolean
    warnings: string[]
  }[]
  executor: string
  seconds: number
}

const isGrid = (r: LimitOutput | LimitGridOutput): r is LimitGridOutput => 'points' in r

export function register(program: Command): void {
  const cmd = addModelOptions(
    program
      .command('limit')
      .description('asymptotic CLs upper limit on the POI, observed and expected ±1σ ±2σ')
      .argument('<workspace>', 'pyhf JSON workspace (gzip allowed)'),
  )
  addGridOptions(cmd)
    .option('--cl <CL>', 'confidence level', '0.95')
    .option('--test-stat <STAT>', 'qtilde (default) or q', 'qtilde')
    .option(
      '--scan <LO:HI:N>',
      'interpolate CLs on a POI grid instead of root finding (as pyhf upper_limit(scan=…))',
    )
    .action(
      action<LimitCliOptions, LimitOutput | LimitGridOutput>(
        async ([file], o) => {
          const t0 = performance.now()
          const cl = numberOption(o.cl, '--cl', 0.95)
          if (!(cl > 0 && cl < 1)) throw new UsageError(`--cl must be between 0 and 1, got ${cl}`)
          const ts = o.testStat ?? 'qtilde'
          if (ts !== 'qtilde' && ts !== 'q')
            throw new UsageError(`--test-stat must be qtilde or q, got '${ts}'`)
          if (wantsGrid(o)) {
            if (o.scan) throw new UsageError('--all finds every limit by root finding; drop --scan')
            const grid = await runGridCli(
              file,
              o,
              { hypotest: false, limit: true, cl, testStat: ts },
              (p) => ({
                name: p.name,
                values: p.values,
                obs: p.limit!.obs,
                exp: p.limit!.exp,
                converged: p.limit!.converged,
                warnings: p.warnings,
              }),
            )
            return { cl, ...grid }
          }
          const model = await loadCliModel(file, o)
          const data = observedData(model)
          let r
          if (o.scan) {
            const [lo, hi, n] = o.scan.split(':').map(Number)
            if (!(hi > lo) || !Number.isInteger(n) || n < 2)
              throw new UsageError(`--scan expects LO:HI:N, got '${o.scan}'`)
            r = upperLimitScan(model, data, linspace(lo, hi, n), { cl, testStat: ts })
          } else r = upperLimit(model, data, { cl, testStat: ts })
          return {
            poi: model.poiName,
            cl,
            obs: finiteOrNull(r.obs),
            exp: r.exp.map(finiteOrNull),
            method: o.scan ? 'scan' : 'root',
            converged: r.converged,
            warnings: [...model.warnings, ...r.warnings],
            seconds: secondsSince(t0),
          }
        },
        (r) => {
          const f = (v: number | null): string => (v === null ? 'n/a' : v.toPrecision(5))
          if (isGrid(r))
            return gridTable(r, [
              ['obs', (p) => f(p.obs)],
              ['exp −1σ', (p) => f(p.exp[1])],
              ['exp', (p) => f(p.exp[2])],
              ['exp +1σ', (p) => f(p.exp[3])],
            ])
          return [
            `${Math.round(r.cl * 1000) / 10}% CL upper limit on ${r.poi}: observed ${f(r.obs)}`,
            `expected (−2σ … +2σ): ${r.exp.map(f).join('  ')}`,
            ...r.warnings.map((w) => `warning: ${w}`),
          ].join('\n')
        },
      ),
    )
}
