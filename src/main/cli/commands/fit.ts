import type { Command } from 'commander'
import { UsageError, action, secondsSince, type GlobalOptions } from '../action'
import { loadPatchedWorkspace } from '../../engine/io/pyhf'
import { fitReport, minosTargets, type FitReport } from '../../engine/stats/fit-report'
import { FitSizeError, checkFitSize } from '../../engine/stats/fit-size'
import { parseInterpolationCodes } from '../../engine/stats/interpolation'
import { Likelihood, asimovData, observedData } from '../../engine/stats/likelihood'
import { compileModel, requirePar, type Model } from '../../engine/stats/model'
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
  bounds: [number, number]
  fixed?: boolean
  /** MINOS [lower, upper]; a side without a crossing is null. */
  minos?: [number | null, number | null]
  minos_valid?: boolean
}

interface NamedMatrixOut {
  names: string[]
  matrix: (number | null)[][]
}

export interface FitOutput {
  converged: boolean
  twice_nll: number | null
  edm: number | null
  poi: string | null
  parameters: Record<string, ParameterOut>
  correlation: NamedMatrixOut
  covariance: NamedMatrixOut
  minimum: {
    valid: boolean
    edm: number | null
    calls: number
    tolerance: number
    errordef: number
  }
  hessian_positive_definite: boolean | null
  at_bound: string[]
  clipped_bins: number
  scan?: { parameter: string; values: number[]; delta_twice_nll: number[]; converged: boolean[] }
  message: string
  warnings: string[]
  seconds: number
}

/**
 * The fit report (stats/fit-report.ts) as `hepwb fit --json` prints it: the same numbers the
 * Fit view shows, under the command line's documented snake_case keys (README).
 */
export function fitOutput(r: FitReport): Omit<FitOutput, 'scan' | 'seconds'> {
  const parameters = nameRecord<ParameterOut>()
  for (const p of r.parameters) {
    const out: ParameterOut = { value: p.value, error: p.error, bounds: p.bounds }
    if (p.fixed) out.fixed = true
    if (p.minos) {
      out.minos = [p.minos.lower, p.minos.upper]
      out.minos_valid = p.minos.valid
    }
    parameters[p.name] = out
  }
  const m = r.minimum
  return {
    converged: m.converged,
    twice_nll: r.twiceNll,
    edm: m.edm,
    poi: r.poi,
    parameters,
    correlation: r.correlation,
    covariance: r.covariance,
    minimum: {
      valid: m.valid,
      edm: m.edm,
      calls: m.calls,
      tolerance: m.tolerance,
      errordef: m.errordef,
    },
    hessian_positive_definite: m.hessianPositiveDefinite,
    at_bound: r.parameters.filter((p) => p.atBound).map((p) => p.name),
    clipped_bins: r.clippedBins,
    message: m.message,
    warnings: r.warnings,
  }
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

export function register(program: Command): void {
  addModelOptions(
    program
      .command('fit')
      .description(
        'maximum-likelihood fit of a pyhf workspace (MIGRAD + HESSE, optional MINOS and profile scan)',
      )
      .argument('<workspace>', 'pyhf JSON workspace (gzip allowed)'),
  )
    .option('--minos <NAMES>', "MINOS errors for NAME,NAME,…, 'poi' or 'all'")
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
          const minosFor = o.minos ? o.minos.split(',').map((n) => n.trim()) : []
          try {
            minosTargets(model, model.fixed, minosFor)
          } catch (e) {
            throw new UsageError(`--minos: ${(e as Error).message}`)
          }
          const { fit: best, report } = fitReport(lik, { minos: minosFor })
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
          return {
            ...fitOutput(report),
            ...(scan ? { scan } : {}),
            seconds: secondsSince(t0),
          }
        },
        (r) => {
          const lines = [
            `${r.converged ? 'converged' : 'NOT CONVERGED'}  −2lnL = ${r.twice_nll?.toFixed(6) ?? 'not finite'}  EDM = ${r.edm?.toExponential(2) ?? 'not finite'}  (${r.seconds} s)`,
          ]
          for (const [name, p] of Object.entries(r.parameters)) {
            const err = p.fixed
              ? '(fixed)'
              : `± ${p.error === null ? 'nan' : p.error.toPrecision(4)}`
            const side = (v: number | null): string => (v === null ? 'nan' : v.toPrecision(4))
            const mn = p.minos ? `  minos [${side(p.minos[0])}, +${side(p.minos[1])}]` : ''
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
