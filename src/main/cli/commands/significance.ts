import type { Command } from 'commander'
import { action, secondsSince } from '../action'
import { discoverySignificance } from '../../engine/stats/asymptotics'
import { observedData } from '../../engine/stats/likelihood'
import { addModelOptions, loadCliModel, type ModelCliOptions } from './fit'

export interface SignificanceOutput {
  z_obs: number
  p_obs: number
  z_exp: number
  p_exp: number
  p_exp_band: number[]
  q0: number
  mu_hat: number
  converged: boolean
  warnings: string[]
  seconds: number
}

export function register(program: Command): void {
  addModelOptions(
    program
      .command('significance')
      .description('discovery significance (q0, asymptotic): observed and expected Z and p-value')
      .argument('<workspace>', 'pyhf JSON workspace (gzip allowed)'),
  ).action(
    action<ModelCliOptions, SignificanceOutput>(
      async ([file], o) => {
        const t0 = performance.now()
        const model = await loadCliModel(file, o)
        const r = discoverySignificance(model, observedData(model), {})
        return {
          z_obs: r.zObs,
          p_obs: r.pObs,
          z_exp: r.zExp,
          p_exp: r.pExp,
          p_exp_band: r.pExpBand,
          q0: r.q0,
          mu_hat: r.muHat,
          converged: r.converged,
          warnings: [...model.warnings, ...r.warnings],
          seconds: secondsSince(t0),
        }
      },
      (r) =>
        [
          `observed: Z = ${r.z_obs.toFixed(3)} σ (p0 = ${r.p_obs.toPrecision(4)})`,
          `expected: Z = ${r.z_exp.toFixed(3)} σ (p0 = ${r.p_exp.toPrecision(4)})`,
          ...r.warnings.map((w) => `warning: ${w}`),
        ].join('\n'),
    ),
  )
}
