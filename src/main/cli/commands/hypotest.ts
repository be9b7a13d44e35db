import type { Command } from 'commander'
import { UsageError, action, secondsSince } from '../action'
import { AsymptoticCalculator, type TestStatistic } from '../../engine/stats/asymptotics'
import { observedData } from '../../engine/stats/likelihood'
import { addModelOptions, loadCliModel, numberOption } from './fit'
import { addGridOptions, gridTable, runGridCli, wantsGrid, type GridCliOptions } from './grid'

interface HypotestCliOptions extends GridCliOptions {
  mu?: string
  testStat?: string
}

export interface HypotestOutput {
  mu: number
  test_stat: TestStatistic
  cls_obs?: number
  cls_exp?: number[]
  clsb_obs?: number
  clb_obs?: number
  p0_obs?: number
  p0_exp?: number[]
  z_obs?: number
  q: number
  q_asimov: number
  mu_hat: number
  converged: boolean
  warnings: string[]
  seconds: number
}

/** `--patchset FILE --all`: one row per signal point. */
export interface HypotestGridOutput {
  mu: number
  test_stat: 'qtilde' | 'q'
  labels: string[]
  points: {
    name: string
    values: Record<string, number | string>
    cls_obs: number | null
    cls_exp: (number | null)[]
    mu_hat: number | null
    converged: boolean
    warnings: string[]
  }[]
  executor: string
  seconds: number
}

const isGrid = (r: HypotestOutput | HypotestGridOutput): r is HypotestGridOutput => 'points' in r

export function register(program: Command): void {
  const cmd = addModelOptions(
    program
      .command('hypotest')
      .description(
        'asymptotic CLs (q̃μ, qμ) or discovery p-value (q0) at a POI value, observed and expected ±1σ ±2σ',
      )
      .argument('<workspace>', 'pyhf JSON workspace (gzip allowed)'),
  )
  addGridOptions(cmd)
    .option('--mu <M>', 'tested POI value (default 1; 0 for q0)')
    .option('--test-stat <STAT>', 'qtilde (default), q or q0', 'qtilde')
    .action(
      action<HypotestCliOptions, HypotestOutput | HypotestGridOutput>(
        async ([file], o) => {
          const t0 = performance.now()
          const given = o.testStat ?? 'qtilde'
          if (given !== 'qtilde' && given !== 'q' && given !== 'q0') {
            throw new UsageError(`--test-stat must be qtilde, q or q0, got '${given}'`)
          }
          const ts: TestStatistic = given
          const mu = numberOption(o.mu, '--mu', ts === 'q0' ? 0 : 1)
          if (wantsGrid(o)) {
            if (ts === 'q0') throw new UsageError('--all runs CLs tests: --test-stat qtilde or q')
            const grid = await runGridCli(
              file,
              o,
              { hypotest: true, limit: false, mu, testStat: ts },
              (p) => ({
                name: p.name,
                values: p.values,
                cls_obs: p.hypotest!.clsObs,
                cls_exp: p.hypotest!.clsExp,
                mu_hat: p.hypotest!.muHat,
                converged: p.hypotest!.converged,
                warnings: p.warnings,
              }),
            )
            return { mu, test_stat: ts, ...grid }
          }
          const model = await loadCliModel(file, o)
          const calc = new AsymptoticCalculator(model, observedData(model), { testStat: ts })
          const r = calc.hypotest(mu)
          const base = {
            mu,
            test_stat: ts,
            q: r.q,
            q_asimov: r.qA,
            mu_hat: r.muHat,
            converged: r.converged,
            warnings: [...model.warnings, ...r.warnings],
          }
          if (ts === 'q0')
            return {
              ...base,
              p0_obs: r.cls,
              p0_exp: r.clsExp,
              z_obs: Math.sqrt(r.q),
              seconds: secondsSince(t0),
            }
          return {
            ...base,
            cls_obs: r.cls,
            cls_exp: r.clsExp,
            clsb_obs: r.clsb,
            clb_obs: r.clb,
            seconds: secondsSince(t0),
          }
        },
        (r) => {
          const f = (v: number): string => v.toPrecision(6)
          if (isGrid(r)) {
            const g = (v: number | null): string => (v === null ? 'n/a' : v.toPrecision(4))
            return gridTable(r, [
              [`CLs(μ=${r.mu})`, (p) => g(p.cls_obs)],
              ['exp −1σ', (p) => g(p.cls_exp[1])],
              ['exp', (p) => g(p.cls_exp[2])],
              ['exp +1σ', (p) => g(p.cls_exp[3])],
            ])
          }
          const lines =
            r.test_stat === 'q0'
              ? [
                  `p0 = ${f(r.p0_obs!)} (Z = ${f(r.z_obs!)})`,
                  `expected p0 (−2σ … +2σ): ${r.p0_exp!.map(f).join('  ')}`,
                ]
              : [
                  `CLs(μ = ${r.mu}) = ${f(r.cls_obs!)}  [${r.test_stat}]`,
                  `expected CLs (−2σ … +2σ): ${r.cls_exp!.map(f).join('  ')}`,
                ]
          if (!r.converged) lines.push('warning: a fit did not converge')
          for (const w of r.warnings) lines.push(`warning: ${w}`)
          return lines.join('\n')
        },
      ),
    )
}
