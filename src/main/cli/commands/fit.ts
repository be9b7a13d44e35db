import type { Command } from 'commander'
import { UsageError, action, secondsSince, type GlobalOptions } from '../action'
import { loadPatchedWorkspace } from '../../engine/io/pyhf'
import { fitLikelihood } from '../../engine/stats/fit'
import { FitSizeError, checkFitSize } from '../../engine/stats/fit-size'
import { parseInterpolationCodes } from '../../engine/stats/interpolation'
import { Likelihood, asimovData, observedData } from '../../engine/stats/likelihood'
import { compileModel, requirePar, type Model } from '../../engine/stats/model'
import { minos, type MinosError } from '../../engine/stats/minos'
import { linspace, profileScan } from '../../engine/stats/scan'
import { WorkspaceError } from '../../engine/stats/workspace'
import { nameRecord } from '../../../shared/name-record'

/** Options every likelihood command shares (model building). */
export interface ModelCliOptions extends GlobalOptions {
  patch?: string
  poi?: string
  measurement?: string
  interp?: string
  staterrorConstraint?: string
}

/** Adds --patch, --poi, --measurement, --interp, --staterror-constraint to a command. */
export function addModelOptions(cmd: Command): Command {
  return cmd
    .option(
      '--patch <FILE[:NAME]>',
      'apply a pyhf patchset entry (FILE:NAME) or a plain JSON Patch file',
    )
    .option(
      '--poi <NAME>',
      "parameter of interest (default: the measurement's; 'none' for a fit without one)",
    )
    .option('--measurement <NAME>', 'measurement to use (default: the first)')
    .option(
      '--interp <CODES>',
      'interpolation codes, e.g. normsys=code1,histosys=code0 (default: pyhf, normsys=code4,histosys=code4p)',
    )
    .option(
      '--staterror-constraint <TYPE>',
      'staterror constraint: normal (pyhf) or poisson (ROOT Gamma)',
      'normal',
    )
}

/** Reads, patches and compiles the workspace named on the command line. */
export async function loadCliModel(file: string, o: ModelCliOptions): Promise<Model> {
  const ws = await loadPatchedWorkspace(file, o.patch)
  const sc = o.staterrorConstraint ?? 'normal'
  if (sc !== 'normal' && sc !== 'poisson')
    throw new UsageError(`--staterror-constraint must be normal or poisson, got '${sc}'`)
  let codes
  try {
    codes = parseInterpolationCodes(o.interp)
  } catch (e) {
    throw new UsageError((e as Error).message)
  }
  try {
    const poi = o.poi === 'none' ? null : o.poi
    const model = compileModel(ws, {
      poi,
      measurement: o.measurement,
      codes,
      staterrorConstraint: sc,
    })
    checkFitSize(model)
    return model
  } catch (e) {
    if (e instanceof WorkspaceError || e instanceof FitSizeError)
      throw new UsageError(`${file}: ${e.message}`)
    throw e
  }
}

/** A finite number for a CLI flag, or a usage error naming the flag. */
export function numberOption(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback
  const v = Number(value)
  if (!Number.isFinite(v)) throw new UsageError(`${flag} expects a number, got '${value}'`)
  return v
}

interface FitCliOptions extends ModelCliOptions {
  minos?: string
  scan?: string
  asimov?: boolean
}

interface ParameterOut {
  value: number
  error: number | null
  fixed?: boolean
  minos?: [number, number]
  minos_valid?: boolean
}

export interface FitOutput {
  converged: boolean
  twice_nll: number
  edm: number
  poi: string | null
  parameters: Record<string, ParameterOut>
  correlation: { names: string[]; matrix: number[][] }
  hessian_positive_definite: boolean | null
  at_bound: string[]
  clipped_bins: number
  scan?: { parameter: string; values: number[]; delta_twice_nll: number[]; converged: boolean[] }
  message: string
  warnings: string[]
  seconds: number
}

function parseScan(spec: string): { name: string; lo: number; hi: number; n: number } {
  const parts = spec.split(':')
  if (parts.length !== 4) throw new UsageError(`--scan expects NAME:LO:HI:N, got '${spec}'`)
  const [name, lo, hi, n] = [parts[0], Number(parts[1]), Number(parts[2]), Number(parts[3])]
  if (
    !Number.isFinite(lo) ||
    !Number.isFinite(hi) ||
    !(hi > lo) ||
    !Number.isInteger(n) ||
    n < 2 ||
    n > 10000
  ) {
    throw new UsageError(
      `--scan expects NAME:LO:HI:N with LO < HI and 2 ≤ N ≤ 10000, got '${spec}'`,
    )
  }
  return { name, lo, hi, n }
}

const num = (v: number): number | null => (Number.isFinite(v) ? v : null)

export function register(program: Command): void {
  addModelOptions(
    program
      .command('fit')
      .description(
        'maximum-likelihood fit of a pyhf workspace (MIGRAD + HESSE, optional MINOS and profile scan)',
      )
      .argument('<workspace>', 'pyhf JSON workspace (gzip allowed)'),
  )
    .option('--minos <NAMES>', "MINOS errors for NAME,NAME,… or 'all'")
    .option('--scan <NAME:LO:HI:N>', 'profile-likelihood scan of a parameter')
    .option(
      '--asimov',
      'fit the Asimov data at the initial parameter values instead of the observations',
    )
    .action(
      action<FitCliOptions, FitOutput>(
        async ([file], o) => {
          const t0 = performance.now()
          const model = await loadCliModel(file, o)
          const scanSpec = o.scan ? parseScan(o.scan) : null
          const data = o.asimov ? asimovData(model, model.init) : observedData(model)
          const lik = new Likelihood(model, data)
          const best = fitLikelihood(lik, { hesse: true, tol: 1e-4 })
          const names = model.parNames
          const free = best.hesse!.free
          let minosFor: number[] = []
          if (o.minos) {
            minosFor =
              o.minos === 'all'
                ? free
                : o.minos.split(',').map((n) => requireFree(model, best.fixed, n.trim()))
          }
          const minosRes = new Map<number, MinosError>()
          for (const p of minosFor) minosRes.set(p, minos(lik, best, p))
          const parameters = nameRecord<ParameterOut>()
          for (let p = 0; p < model.npar; p++) {
            const out: ParameterOut = {
              value: best.x[p],
              error: best.fixed[p] ? null : num(best.hesse!.errors[p]),
            }
            if (best.fixed[p]) out.fixed = true
            const me = minosRes.get(p)
            if (me) {
              out.minos = [me.lower, me.upper]
              out.minos_valid = me.valid
            }
            parameters[names[p]] = out
          }
          const m = free.length
          const matrix: number[][] = []
          for (let a = 0; a < m; a++)
            matrix.push(Array.from(best.hesse!.correlation.subarray(a * m, a * m + m)))
          let scan: FitOutput['scan']
          if (scanSpec) {
            const p = requireFree(model, best.fixed, scanSpec.name)
            const s = profileScan(lik, best, p, linspace(scanSpec.lo, scanSpec.hi, scanSpec.n))
            scan = {
              parameter: s.parameter,
              values: s.values,
              delta_twice_nll: s.deltaTwiceNll,
              converged: s.converged,
            }
          }
          const warnings = [...model.warnings]
          if (best.clippedBins)
            warnings.push(
              `${best.clippedBins} bin(s) with negative expected yield clipped to 0 at the minimum`,
            )
          if (!best.converged) warnings.push(`the fit did not converge: ${best.message}`)
          if (model.poi >= 0 && model.fixed[model.poi])
            warnings.push(`the POI '${model.poiName}' is fixed in the measurement`)
          return {
            converged: best.converged,
            twice_nll: best.twiceNll,
            edm: best.edm,
            poi: model.poiName,
            parameters,
            correlation: { names: free.map((i) => names[i]), matrix },
            hessian_positive_definite: best.hessianPositiveDefinite,
            at_bound: best.atBound.map((i) => names[i]),
            clipped_bins: best.clippedBins,
            ...(scan ? { scan } : {}),
            message: best.message,
            warnings,
            seconds: secondsSince(t0),
          }
        },
        (r) => {
          const lines = [
            `${r.converged ? 'converged' : 'NOT CONVERGED'}  −2lnL = ${r.twice_nll.toFixed(6)}  EDM = ${r.edm.toExponential(2)}  (${r.seconds} s)`,
          ]
          for (const [name, p] of Object.entries(r.parameters)) {
            const err = p.fixed
              ? '(fixed)'
              : `± ${p.error === null ? 'nan' : p.error.toPrecision(4)}`
            const mn = p.minos
              ? `  minos [${p.minos[0].toPrecision(4)}, +${p.minos[1].toPrecision(4)}]`
              : ''
            lines.push(
              `  ${name.padEnd(36)} ${p.value.toPrecision(6).padStart(12)} ${err}${mn}${name === r.poi ? '  (POI)' : ''}`,
            )
          }
          if (r.scan) {
            lines.push(`scan of ${r.scan.parameter}:`)
            r.scan.values.forEach((v, i) =>
              lines.push(
                `  ${v.toPrecision(5).padStart(10)}  Δ(−2lnL) = ${r.scan!.delta_twice_nll[i].toFixed(4)}`,
              ),
            )
          }
          for (const w of r.warnings) lines.push(`warning: ${w}`)
          return lines.join('\n')
        },
      ),
    )
}

function requireFree(model: Model, fixed: Uint8Array, name: string): number {
  let p: number
  try {
    p = requirePar(model, name)
  } catch (e) {
    throw new UsageError((e as Error).message)
  }
  if (fixed[p]) throw new UsageError(`parameter '${name}' is fixed`)
  return p
}
