/**
 * An analysis spec (DESIGN.md §5, `hepwb cutflow SPEC.json`): samples, derived variables and
 * regions of cuts — the same objects a project holds, so a project can be exported to a spec
 * and read back. This module is the schema and its checks that need no event file (JSON shape,
 * unique names, region parents, expression syntax); names that must exist in the files are
 * checked by the engine when it opens them. Every problem names its JSON path, e.g.
 * `regions[1].cuts[0].expr: expected ')' at 14`.
 */
import { z } from 'zod'
import type { SampleSpec } from './contract/data'
import { parse } from './expr'

/** Names a derived variable may take: what the expression language reads as a column. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/

const Expression = z.string().trim().min(1, 'an expression is required').max(10_000)

const positive = (what: string) => z.number().positive(`${what} must be > 0`)

export const SpecSample = z
  .object({
    name: z.string().trim().min(1, 'a sample needs a name').max(100),
    role: z.enum(['signal', 'background', 'data']).default('background'),
    /** Process group: samples of one group are summed in the cut-flow ('' = the sample's name). */
    group: z.string().trim().max(100).default(''),
    colour: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'a colour is #rrggbb')
      .optional(),
    /** A chain: the same tree in each file; relative paths are relative to the spec file. */
    files: z
      .array(z.string().min(1, 'a file path is required').max(4096))
      .min(1, 'a sample needs at least one file'),
    /** Tree / dataset / table; absent: the file's only table. '' for CSV and Parquet. */
    tree: z.string().max(1000).optional(),
    /** Per-event weight expression; '' or '1' for unit weights. */
    weight: z.string().trim().max(10_000).default(''),
    /** Factor applied to every weight (dimensionless). */
    scale: z.number().refine(Number.isFinite, 'the scale must be a finite number').default(1),
    /** Cross-section in pb: weights × scale × xsec × lumi / sumw. Needs `lumi`. */
    xsec: positive('the cross-section').optional(),
    /** Integrated luminosity in pb⁻¹. */
    lumi: positive('the luminosity').optional(),
    /** Σ generator weights; absent: Σ of the weight expression over all the sample's events. */
    sumw: positive('the sum of generator weights').optional(),
    /** A value meaning "missing" in every column (e.g. −999), read as NaN; absent: none. */
    missing: z
      .number()
      .refine(Number.isFinite, 'the missing-value marker must be a finite number')
      .optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if ((s.xsec === undefined) !== (s.lumi === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [s.xsec === undefined ? 'xsec' : 'lumi'],
        message: 'xsec (pb) and lumi (pb⁻¹) go together',
      })
    }
    if (s.sumw !== undefined && s.xsec === undefined) {
      ctx.addIssue({ code: 'custom', path: ['sumw'], message: 'sumw needs xsec and lumi' })
    }
  })
export type SpecSample = z.output<typeof SpecSample>

export const SpecVariable = z
  .object({
    name: z
      .string()
      .regex(IDENTIFIER, 'a variable name is a letter or _ followed by letters, digits or _'),
    expr: Expression,
    /** Unit of the values, e.g. 'GeV'. */
    unit: z.string().max(100).optional(),
    /** Axis label, LaTeX-ish (e.g. `p_T^{lead}`). */
    label: z.string().max(1000).optional(),
    /** Default histogram binning. */
    binning: z
      .object({ bins: z.number().int().min(1).max(100_000), lo: z.number(), hi: z.number() })
      .strict()
      .refine((b) => b.hi > b.lo, 'hi must be > lo')
      .optional(),
  })
  .strict()
export type SpecVariable = z.output<typeof SpecVariable>

export const SpecCut = z
  .object({
    /** Label in the cut-flow; default: the expression. */
    name: z.string().trim().max(1000).optional(),
    expr: Expression,
  })
  .strict()
export type SpecCut = z.output<typeof SpecCut>

export const SpecRegion = z
  .object({
    name: z.string().trim().min(1, 'a region needs a name').max(100),
    /** A region whose cuts come first (its events are a subset of the parent's). */
    parent: z.string().trim().min(1).optional(),
    /** Data samples are hidden in a blinded region and in every region below it. */
    blinded: z.boolean().default(false),
    cuts: z.array(SpecCut).default([]),
  })
  .strict()
export type SpecRegion = z.output<typeof SpecRegion>

export const AnalysisSpec = z
  .object({
    samples: z.array(SpecSample).min(1, 'a spec needs at least one sample'),
    variables: z.array(SpecVariable).default([]),
    regions: z.array(SpecRegion).default([]),
  })
  .strict()
  .superRefine((spec, ctx) => {
    for (const { path, message } of crossChecks(spec))
      ctx.addIssue({ code: 'custom', path: [...path], message })
  })
export type AnalysisSpec = z.output<typeof AnalysisSpec>
export type AnalysisSpecInput = z.input<typeof AnalysisSpec>

/** One problem of a spec: where (JSON path) and what. */
export interface SpecIssue {
  readonly path: readonly (string | number)[]
  readonly message: string
}

export type SpecResult =
  | { readonly ok: true; readonly spec: AnalysisSpec }
  | { readonly ok: false; readonly issues: readonly SpecIssue[] }

/** Validates a parsed JSON value as an analysis spec (defaults filled in). */
export function parseSpec(value: unknown): SpecResult {
  const r = AnalysisSpec.safeParse(value)
  if (r.success) return { ok: true, spec: r.data }
  return {
    ok: false,
    issues: r.error.issues.map((i) => ({
      path: i.path.filter((p): p is string | number => typeof p !== 'symbol'),
      message: i.message,
    })),
  }
}

/** `['regions', 1, 'cuts', 0, 'expr']` → `regions[1].cuts[0].expr`. */
export function formatSpecPath(path: readonly (string | number)[]): string {
  let out = ''
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p
  return out
}

/** `path: message` per issue, one per line. */
export function formatSpecIssues(issues: readonly SpecIssue[]): string {
  return issues
    .map((i) => (i.path.length ? `${formatSpecPath(i.path)}: ${i.message}` : i.message))
    .join('\n')
}

/** The process group a sample is summed in. */
export function sampleGroup(s: Pick<SpecSample, 'name' | 'group'>): string {
  return s.group || s.name
}

/** A cut's label in the cut-flow. */
export function cutLabel(c: SpecCut): string {
  return c.name || c.expr
}

/**
 * A project's sample (the Data step) as a spec sample: the table becomes `tree`, the
 * normalisation `scale` or `xsec`/`lumi`/`sumw`.
 */
export function specSampleFromProject(p: SampleSpec): SpecSample {
  const n = p.normalisation
  return {
    name: p.name,
    role: p.role,
    group: p.group,
    colour: p.colour,
    files: [...p.files],
    tree: p.table,
    weight: p.weight,
    scale: n.kind === 'scale' ? n.factor : 1,
    ...(n.kind === 'xsec'
      ? {
          xsec: n.crossSection,
          lumi: n.luminosity,
          ...(n.sumGenWeights === null ? {} : { sumw: n.sumGenWeights }),
        }
      : {}),
    ...(p.missing === null ? {} : { missing: p.missing }),
  }
}

/**
 * A spec sample as a project's sample. `table` is the tree the engine resolved when the spec
 * left it out, `colour` the one to use when the spec has none. A project normalises by a scale
 * or by a cross-section, not both: a spec with both folds its scale into the cross-section
 * (the weights are the same product).
 */
export function specSampleToProject(
  s: SpecSample,
  defaults: { table: string; colour: string },
): SampleSpec {
  const normalisation: SampleSpec['normalisation'] =
    s.xsec !== undefined && s.lumi !== undefined
      ? {
          kind: 'xsec',
          crossSection: s.xsec * s.scale,
          luminosity: s.lumi,
          sumGenWeights: s.sumw ?? null,
        }
      : s.scale !== 1
        ? { kind: 'scale', factor: s.scale }
        : { kind: 'none' }
  return {
    name: s.name,
    role: s.role,
    group: s.group,
    colour: s.colour ?? defaults.colour,
    files: [...s.files],
    table: s.tree ?? defaults.table,
    weight: s.weight === '1' ? '' : s.weight,
    normalisation,
    missing: s.missing ?? null,
  }
}

/** Checks across entries: unique names, region parents, expression syntax. */
function crossChecks(spec: AnalysisSpec): SpecIssue[] {
  const issues: SpecIssue[] = [
    ...duplicates(spec.samples, 'samples', 'sample'),
    ...duplicates(spec.variables, 'variables', 'variable'),
    ...duplicates(spec.regions, 'regions', 'region'),
    ...parentIssues(spec.regions),
  ]
  const syntax = (text: string, path: (string | number)[]): void => {
    const r = parse(text)
    if (!r.ok) issues.push({ path, message: r.error.message })
  }
  spec.samples.forEach((s, i) => {
    if (s.weight !== '') syntax(s.weight, ['samples', i, 'weight'])
  })
  spec.variables.forEach((v, i) => syntax(v.expr, ['variables', i, 'expr']))
  spec.regions.forEach((r, i) =>
    r.cuts.forEach((c, j) => syntax(c.expr, ['regions', i, 'cuts', j, 'expr'])),
  )
  return issues
}

function duplicates(items: readonly { name: string }[], key: string, what: string): SpecIssue[] {
  const seen = new Map<string, number>()
  const issues: SpecIssue[] = []
  items.forEach((x, i) => {
    const first = seen.get(x.name)
    if (first === undefined) seen.set(x.name, i)
    else
      issues.push({
        path: [key, i, 'name'],
        message: `duplicate ${what} name '${x.name}' (also ${key}[${first}])`,
      })
  })
  return issues
}

/** Unknown parents and parent cycles (a region cannot be a subset of itself). */
function parentIssues(regions: readonly SpecRegion[]): SpecIssue[] {
  const index = new Map(regions.map((r, i) => [r.name, i]))
  const issues: SpecIssue[] = []
  regions.forEach((r, i) => {
    if (r.parent === undefined) return
    if (!index.has(r.parent)) {
      const names = [...index.keys()].map((n) => `'${n}'`).join(', ')
      issues.push({
        path: ['regions', i, 'parent'],
        message: `unknown parent region '${r.parent}' (regions: ${names})`,
      })
      return
    }
    // Walk up from r; meeting r again is a cycle (reported once per region on it).
    const chain = [r.name]
    let at: string | undefined = r.parent
    while (at !== undefined && chain.length <= regions.length) {
      if (at === r.name) {
        issues.push({
          path: ['regions', i, 'parent'],
          message: `parent cycle: ${[...chain, at].join(' → ')}`,
        })
        return
      }
      chain.push(at)
      const k = index.get(at)
      at = k === undefined ? undefined : regions[k].parent
    }
  })
  return issues
}
