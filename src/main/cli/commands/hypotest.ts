import type { Command } from 'commander'
import { UsageError, action, secondsSince } from '../action'
import { AsymptoticCalculator, type TestStatistic } from '../../engine/stats/asymptotics'
import { observedData } from '../../engine/stats/likelihood'
import { addModelOptions, loadCliModel, numberOption, type ModelCliOptions } from './fit'

interface HypotestCliOptions extends ModelCliOptions {
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

export function register(program: Command): void {
  addModelOptions(
    program
      .command('hypotest')
      .description(
        'asymptotic CLs (q̃μ, qμ) or discovery p-value (q0) at a POI value, observed and expected ±1σ ±2σ',
      )
      .argument('<workspace>', 'pyhf JSON workspace (gzip allowed)'),
  )
    .option('--mu <M>', 'tested POI value (default 1; 0 for q0)')
    .option('--test-stat <STAT>', 'qtilde (default), q or q0', 'qtilde')
    .action(
      action<HypotestCliOptions, HypotestOutput>(
        async ([file], o) => {
          const t0 = performance.now()
          const given = o.testStat ?? 'qtilde'
          if (given !== 'qtilde' && given !== 'q' && given !== 'q0') {
            throw new UsageError(`--test-stat must be qtilde, q or q0, got '${given}'`)
          }
          const ts: TestStatistic = given
          const mu = numberOption(o.mu, '--mu', ts === 'q0' ? 0 : 1)
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
