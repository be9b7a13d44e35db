/**
 * The RMM builder's methods (issue 4): a rapidity–mass matrix (Chekanov 2019) configured from
 * the project's columns becomes ordinary derived variables, one per matrix cell, so the cells
 * work everywhere a column does; the layout (which cell is which variable) is kept in the
 * project's settings for the heatmaps of one event and of the mean matrix per process.
 * The cell formulas and their conventions are in src/main/engine/features/rmm.ts.
 */
import { z } from 'zod'
import type { MethodSpec } from './common'
import { NoParams } from './common'

const Column = z.string().trim().min(1, 'choose a column').max(200)
const Name = z.string().trim().min(1).max(100)

/** The object kinds of the paper's T5 configuration, in its order; `label` overrides the symbol. */
export const RmmKind = z.enum(['jets', 'bjets', 'muons', 'electrons', 'photons'])
export type RmmKind = z.infer<typeof RmmKind>

/** Most objects of one collection (paper: N = 10 per type). */
export const RMM_MAX_COUNT = 10
/** Most objects in the whole matrix (it is (1 + objects)² cells). */
export const RMM_MAX_OBJECTS = 15

/** A collection as jagged columns (NanoAOD style): one list per event, leading object first. */
const JaggedCollection = z
  .object({
    layout: z.literal('jagged'),
    kind: RmmKind,
    /** Symbol on the heatmap axes (default: j, b, μ, e, γ by kind). */
    label: z.string().trim().max(8).optional(),
    count: z.number().int().min(1).max(RMM_MAX_COUNT),
    pt: Column,
    eta: Column,
    phi: Column,
    /** Jagged mass column (GeV); without it every object has mass `massValue`. */
    mass: Column.optional(),
    /** Constant mass in GeV when there is no mass column (0: massless, y = η). */
    massValue: z.number().min(0).max(1e4).default(0),
    /**
     * Jagged condition choosing which elements belong to this collection, e.g.
     * `Jet_btagDeepB > 0.5` for b-jets from the Jet columns; empty: every element.
     */
    selection: z.string().trim().max(2000).optional(),
  })
  .strict()

/** A collection as flat columns, one per object slot (`mu1_pt`, `mu2_pt`, …). */
const FlatCollection = z
  .object({
    layout: z.literal('flat'),
    kind: RmmKind,
    label: z.string().trim().max(8).optional(),
    count: z.number().int().min(1).max(RMM_MAX_COUNT),
    /** One column per slot, `count` of each; a slot with pT ≤ 0 or NaN holds no object. */
    pt: z.array(Column).min(1).max(RMM_MAX_COUNT),
    eta: z.array(Column).min(1).max(RMM_MAX_COUNT),
    phi: z.array(Column).min(1).max(RMM_MAX_COUNT),
    mass: z.array(Column).min(1).max(RMM_MAX_COUNT).optional(),
    massValue: z.number().min(0).max(1e4).default(0),
  })
  .strict()
  .refine(
    (c) => [c.pt, c.eta, c.phi, ...(c.mass ? [c.mass] : [])].every((l) => l.length === c.count),
    'a flat collection needs exactly `count` columns for pt, eta, phi (and mass)',
  )

export const RmmCollection = z.discriminatedUnion('layout', [JaggedCollection, FlatCollection])
export type RmmCollection = z.output<typeof RmmCollection>

export const RmmConfig = z
  .object({
    /**
     * Cells are named `rmm_<prefix>_<row>_<column>`. No `_` in it, so no prefix's variables
     * start like another's (`rmm_a_` would otherwise match those of prefix `a_1`).
     */
    prefix: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9]{1,30}$/, 'a prefix is 1–30 letters or digits'),
    /** Centre-of-mass energy √s in GeV: energies and masses are divided by it. */
    sqrtS: z.number().positive('√s must be > 0').max(1e6).default(13_000),
    /** Missing transverse momentum (flat columns, GeV and rad); absent: MET = 0. */
    met: z.object({ pt: Column, phi: Column }).strict().optional(),
    collections: z.array(RmmCollection).min(1, 'choose at least one object collection').max(8),
  })
  .strict()
  .refine(
    (c) => c.collections.reduce((n, k) => n + k.count, 0) <= RMM_MAX_OBJECTS,
    `at most ${RMM_MAX_OBJECTS} objects in all (the matrix has (1 + objects)² cells)`,
  )
export type RmmConfig = z.output<typeof RmmConfig>
export type RmmConfigInput = z.input<typeof RmmConfig>

/**
 * Which variable holds each cell: `cells[row][column]` is a variable name, or null for a cell
 * that is always 0 (the MET row when no MET is configured). Row and column 0 are MET.
 */
export const RmmLayout = z.object({
  prefix: z.string(),
  sqrtS: z.number(),
  /** Axis labels: MET, j1, j2, μ1, … */
  labels: z.array(z.string()),
  cells: z.array(z.array(z.string().nullable())),
  config: RmmConfig,
})
export type RmmLayout = z.output<typeof RmmLayout>

/** A matrix of numbers; null where a value is NaN (JSON has no NaN). */
const Matrix = z.array(z.array(z.number().nullable()))

export const RmmEvent = z.object({
  prefix: z.string(),
  sample: z.string(),
  labels: z.array(z.string()),
  /** Position among the selected events (0-based). */
  index: z.number().int(),
  /** Position of the event in the sample (0-based). */
  event: z.number().int(),
  /** Events of the sample passing the region's cuts (all events without a region). */
  selected: z.number().int(),
  matrix: Matrix,
})
export type RmmEvent = z.infer<typeof RmmEvent>

export const RmmMean = z.object({
  prefix: z.string(),
  labels: z.array(z.string()),
  groups: z.array(
    z.object({
      group: z.string(),
      role: z.enum(['signal', 'background', 'data']),
      /** Selected events (raw) and their Σw. */
      events: z.number().int(),
      sumw: z.number(),
      /** Σ w·cell / Σ w over the selected events (NaN cells left out). */
      matrix: Matrix,
    }),
  ),
  /** Data hidden because the region is blinded. */
  hidden: z.array(z.string()),
  /** Samples left out (a column they lack, a cut that cannot run on them), with why. */
  skipped: z.array(z.object({ sample: z.string(), reason: z.string() })),
})
export type RmmMean = z.infer<typeof RmmMean>

const Prefix = z.string().trim().min(1).max(30)

export const rmmMethods = {
  /** Writes the RMM cells as derived variables (replacing those of the prefix); checked first. */
  'rmm.build': { params: z.object({ config: RmmConfig }).strict(), result: RmmLayout },
  /** The stored RMM layouts of the project. */
  'rmm.layouts': { params: NoParams, result: z.array(RmmLayout) },
  /** Removes an RMM: its cell variables and its layout. */
  'rmm.remove': { params: z.object({ prefix: Prefix }).strict(), result: z.array(RmmLayout) },
  /** One event's matrix: the `index`-th event of `sample` passing `region` (all: no region). */
  'rmm.event': {
    params: z
      .object({
        prefix: Prefix,
        sample: Name,
        region: Name.optional(),
        index: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31),
      })
      .strict(),
    result: RmmEvent,
  },
  /** The weighted mean matrix of every process group over the events passing `region`. */
  'rmm.mean': {
    params: z.object({ prefix: Prefix, region: Name.optional() }).strict(),
    result: RmmMean,
  },
} as const satisfies Record<string, MethodSpec>

export type RmmMethodName = keyof typeof rmmMethods
