/**
 * The Cuts & Regions step's engine methods: derived variables and regions stored in the
 * project, the symbol table the editor checks cuts against as they are typed, one update per
 * burst of typing (the authoritative check, the save, the cut-flow), and cut-flows and N−1
 * histograms: the application layer's use cases (app/) over the project's event source
 * (project-source.ts), the same ones `hepwb cutflow` and `hepwb hist` run.
 */
import { finiteOrNull } from '../../../shared/contract/common'
import type {
  CheckResult,
  CutsMethodName,
  CutsRegion,
  NMinus1Result,
  RegionCutflow,
} from '../../../shared/contract/cuts'
import { checkScalar, requiredColumns, thresholdOf, type SymbolTable } from '../../../shared/expr'
import type { SpecVariable } from '../../../shared/spec'
import type { CutflowRow, SignificanceRow } from '../../../shared/cutflow'
import { nameRecord, own } from '../../../shared/name-record'
import { checkVariables, type ComputedVariable } from '../select/derived'
import { resolveRegions, withAncestors, type ResolvedRegion } from '../select/regions'
import { SpecError } from '../select/spec-error'
import { defaultBinning } from '../samples/explore'
import type { LoadedSample } from '../samples/loaded-sample'
import { columnSymbols } from '../samples/prepare'
import { ProjectError } from '../store/project'
import {
  deleteRegion,
  deleteVariable,
  listRegions,
  listVariables,
  saveRegion,
  saveVariable,
} from '../store/regions'
import type { StoredSample } from '../store/samples'
import { runCutflow } from '../app/cutflow'
import { runHistogram } from '../app/histogram'
import { runStatistics } from '../app/statistics'
import type { Handlers, ServiceEnv } from './env'
import { projectSource } from './project-source'

export function cutsHandlers(env: ServiceEnv): Handlers<CutsMethodName> {
  /** The open samples of the project (the registry shared with the Data view). */
  async function samples(): Promise<{ stored: StoredSample; sample: LoadedSample }[]> {
    return env.samples().all()
  }

  /**
   * What cuts are checked against: the union of every sample's columns, the derived variables
   * that check against it and the applied models' outputs; `problem` when no expression can be
   * checked (a derived variable named like a column).
   */
  async function projectSymbols(): Promise<{ symbols: SymbolTable; problem: string | null }> {
    const p = env.requireProject()
    const all = await samples()
    const columns = new Map(all.flatMap((s) => [...columnSymbols(s.sample)]))
    const vars = listVariables(p)
    const computed = await env.computedVariables()
    try {
      return { symbols: sampleVariablesFrom(columns, vars, computed).symbols, problem: null }
    } catch (e) {
      if (e instanceof SpecError) return { symbols: columns, problem: e.message }
      throw e
    }
  }

  /** Resolved regions of the project, `name` and its ancestors only. */
  function regionChain(name: string): ResolvedRegion[] {
    const regions = listRegions(env.requireProject())
    if (!regions.some((r) => r.name === name))
      throw new ProjectError(`no region named '${name}' in this project`)
    return withAncestors(resolveRegions(regions), name)
  }

  /** Throws a user-facing error for a bad cut, naming its region and position. */
  async function checkRegion(region: CutsRegion): Promise<void> {
    const symbols = await projectSymbols()
    for (const [i, c] of region.cuts.entries()) {
      const r = checkAgainst(symbols, c.expr)
      if (!r.ok) throw new ProjectError(`region '${region.name}', cut ${i + 1}: ${r.message}`)
    }
  }

  /** Stores a region whose cuts checked: replaces `original`, and keeps the parents acyclic. */
  function store(region: CutsRegion, original?: string): CutsRegion[] {
    const p = env.requireProject()
    saveRegion(p, region, original, (regions) => {
      try {
        resolveRegions(regions)
      } catch (e) {
        if (e instanceof SpecError) throw new ProjectError(e.reason)
        throw e
      }
      if (region.parent !== undefined && !regions.some((r) => r.name === region.parent))
        throw new ProjectError(`unknown parent region '${region.parent}'`)
    })
    return listRegions(p)
  }

  /** The weighted cut-flow of one region (and its parents' cuts) over every sample. */
  async function cutflow(region: string, sigmaB: number): Promise<RegionCutflow> {
    regionChain(region) // a clear error for an unknown region, before any sample is read
    const source = await projectSource(env.samples(), await env.computedVariables())
    const run = await runCutflow(source, { regions: [region], sigmaB, skipUnusable: true })
    const r = run.result
    const roles: RegionCutflow['roles'] = nameRecord()
    for (const s of run.samples) roles[s.name] = s.role
    return {
      region,
      samples: mapRows(own(r.regions, region) ?? {}),
      groups: mapRows(own(r.groups, region) ?? {}),
      significance: (own(r.significance, region) ?? []).map(nullSig),
      totals: r.totals,
      roles,
      hidden: own(r.hidden, region) ?? [],
      sigma_b: sigmaB,
      skipped: [...run.skipped],
    }
  }

  return {
    'cuts.variables': () => listVariables(env.requireProject()),
    'cuts.saveVariable': async ({ variable, original }) => {
      const p = env.requireProject()
      const all = await samples()
      if (all.some((s) => s.sample.table.columns.some((c) => c.name === variable.name)))
        throw new ProjectError(
          `'${variable.name}' is already a column of a sample; give the variable another name`,
        )
      const computed = await env.computedVariables()
      if (computed.some((c) => c.name === variable.name))
        throw new ProjectError(
          `'${variable.name}' is the output of a trained model; give the variable another name`,
        )
      const others = listVariables(p).filter((v) => v.name !== (original ?? variable.name))
      const symbols = new Map(all.flatMap((s) => [...columnSymbols(s.sample)]))
      const checked = sampleVariablesFrom(symbols, [...others, variable], computed)
      const bad = checked.failed.get(variable.name)
      if (bad) throw new ProjectError(`variable '${variable.name}': ${bad.message}`)
      saveVariable(p, variable, original)
      return listVariables(p)
    },
    'cuts.removeVariable': ({ name }) => {
      const p = env.requireProject()
      deleteVariable(p, name)
      return listVariables(p)
    },
    'cuts.regions': () => listRegions(env.requireProject()),
    'cuts.saveRegion': async ({ region, original }) => {
      await checkRegion(region)
      return store(region, original)
    },
    'cuts.removeRegion': ({ name }) => {
      const p = env.requireProject()
      deleteRegion(p, name)
      return listRegions(p)
    },
    'cuts.symbols': async () => {
      const { symbols, problem } = await projectSymbols()
      return {
        symbols: [...symbols].map(([name, info]) => ({ name, jagged: info.jagged })),
        problem,
        key: symbolsKey(symbols, problem),
      }
    },
    'cuts.update': async ({ region, sigmaB }) => {
      const symbols = await projectSymbols()
      const checks = region.cuts.map((c) => checkAgainst(symbols, c.expr))
      const key = symbolsKey(symbols.symbols, symbols.problem)
      if (!checks.every((c) => c.ok))
        return {
          checks,
          saved: false,
          regions: listRegions(env.requireProject()),
          cutflow: null,
          cutflowError: null,
          symbols: key,
        }
      const regions = store(region, region.name)
      // The region is saved: a cut-flow that fails (a file gone since) is reported beside it.
      try {
        return {
          checks,
          saved: true,
          regions,
          cutflow: await cutflow(region.name, sigmaB),
          cutflowError: null,
          symbols: key,
        }
      } catch (e) {
        return {
          checks,
          saved: true,
          regions,
          cutflow: null,
          cutflowError: (e as Error).message,
          symbols: key,
        }
      }
    },
    'cuts.cutflow': ({ region, sigmaB }) => cutflow(region, sigmaB),
    'cuts.nminus1': async ({ region, cutIndex, variable, bins, lo, hi }) => {
      const chain = regionChain(region)
      const target = chain[chain.length - 1]
      const ownCuts = target.cuts.length - target.inherited
      if (cutIndex >= ownCuts)
        throw new ProjectError(`region '${region}' has ${ownCuts} cuts; no cut ${cutIndex + 1}`)
      const k = target.inherited + cutIndex
      const cut = target.cuts[k]
      const names = requiredColumns(cut.expr)
      const v = variable?.trim() || (names.ok ? names.value[0] : undefined)
      if (!v) throw new ProjectError(`cut '${cut.label}' reads no variable; type one`)
      const others = target.cuts.filter((_, i) => i !== k)
      const source = await projectSource(env.samples(), await env.computedVariables())
      const selection = { expr: v, region, cuts: others, skipUnusable: true }
      const seen = valueRange(Object.values((await runStatistics(source, selection)).samples))
      // Whole-number values (nMuon, a flag) get one bin per value, centred on it.
      const binning =
        lo !== undefined && hi !== undefined
          ? { bins: bins ?? 40, lo, hi }
          : seen.integer && bins === undefined
            ? defaultBinning(seen.min, seen.max, true)
            : { bins: bins ?? 40, lo: seen.lo, hi: seen.hi }
      const h = await runHistogram(source, { ...selection, binning })
      return {
        variable: v,
        ...binning,
        integer: seen.integer,
        threshold: thresholdOf(cut.expr, v)?.value ?? null,
        samples: source
          .samples()
          .filter((s) => own(h.samples, s.name))
          .map((s) => ({
            name: s.name,
            role: s.role,
            group: s.group,
            colour: s.colour ?? '',
            sumw: h.samples[s.name].counts,
            sumw2: h.samples[s.name].sumw2,
          })),
        hidden: h.hidden,
      } satisfies NMinus1Result
    },
  }
}

/** The check of cut `expr` against the project's symbols, as the editor shows it. */
function checkAgainst(
  { symbols, problem }: { symbols: SymbolTable; problem: string | null },
  expr: string,
): CheckResult {
  if (problem !== null) return { ok: false, message: problem, position: 0, end: 0 }
  const r = checkScalar(expr, symbols, 'a cut')
  if (r.ok) return { ok: true, columns: [...r.value.columns] }
  const { error } = r
  return { ok: false, message: error.message, position: error.position, end: error.end }
}

/**
 * A short fingerprint of the symbol table (FNV-1a over its names, shapes and problem): the
 * editor keeps a copy and fetches it again when the fingerprint of an answer differs.
 */
function symbolsKey(symbols: SymbolTable, problem: string | null): string {
  let h = 0x811c9dc5
  const text = JSON.stringify([[...symbols].map(([n, i]) => [n, i.jagged]), problem])
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return `${symbols.size}-${(h >>> 0).toString(16)}`
}

/** Derived variables checked against a set of columns (every sample's, for the editor). */
function sampleVariablesFrom(
  symbols: SymbolTable,
  vars: readonly SpecVariable[],
  computed: readonly ComputedVariable[] = [],
) {
  return checkVariables(vars, symbols, 'in this project', computed)
}

function mapRows(rows: Record<string, CutflowRow[]>) {
  const out: RegionCutflow['samples'] = nameRecord()
  for (const [k, rs] of Object.entries(rows))
    out[k] = rs.map((r) => ({
      ...r,
      eff_prev: finiteOrNull(r.eff_prev),
      eff_first: finiteOrNull(r.eff_first),
      eff_total: finiteOrNull(r.eff_total),
    }))
  return out
}

function nullSig(r: SignificanceRow): RegionCutflow['significance'][number] {
  return {
    cut: r.cut,
    s: finiteOrNull(r.s),
    b: finiteOrNull(r.b),
    s_over_b: finiteOrNull(r.s_over_b),
    s_over_sqrt_b: finiteOrNull(r.s_over_sqrt_b),
    z_asimov: finiteOrNull(r.z_asimov),
    z_asimov_sigma_b: finiteOrNull(r.z_asimov_sigma_b),
  }
}

/**
 * Min and max of the selected values over all samples, that range rounded outwards for the
 * axis (a unit range around a constant), and whether every value is a whole number.
 */
function valueRange(stats: readonly { min: number; max: number; integer: boolean }[]): {
  lo: number
  hi: number
  min: number
  max: number
  integer: boolean
} {
  let lo = Infinity
  let hi = -Infinity
  let integer = true
  for (const s of stats) {
    // NaN (no values in a sample) compares false and is skipped.
    if (s.min < lo && s.min > -Infinity) lo = s.min
    if (s.max > hi && s.max < Infinity) hi = s.max
    if (s.min === s.min) integer &&= s.integer
  }
  if (!(lo <= hi)) return { lo: 0, hi: 1, min: 0, max: 1, integer: false }
  const seen = { min: lo, max: hi, integer }
  if (lo === hi) return { lo: lo - 0.5, hi: hi + 0.5, ...seen }
  // Round outwards to a tenth of the span's decade, so axis ends read 0 and 120, not 8.5297…;
  // the maximum then falls inside the last bin, not the overflow.
  const unit = 10 ** (Math.floor(Math.log10(hi - lo)) - 1)
  return { lo: Math.floor(lo / unit) * unit, hi: (Math.floor(hi / unit) + 1) * unit, ...seen }
}
