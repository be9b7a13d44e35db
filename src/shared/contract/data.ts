/**
 * The Data step's methods (issue 3, "Import samples and explore every variable"): inspect event
 * files, keep the project's samples, and explore every variable (statistics, weighted
 * histograms, correlations, 2-D histograms). Histograms are filled in the engine; only bin
 * contents cross the process boundary.
 */
import { z } from 'zod'
import { COLUMN_TYPES } from '../column-type'
import { FilePath, JobStarted, type MethodSpec, NoParams, byName } from './common'

// ---------------------------------------------------------------------------------------------
// Samples

export const SampleRole = z.enum(['signal', 'background', 'data'])
export type SampleRole = z.infer<typeof SampleRole>

/**
 * How a sample's weighted events are scaled to the expected yield:
 * - none: weights as they are (collision data);
 * - scale: every weight × `factor`;
 * - xsec: every weight × crossSection [pb] × luminosity [pb⁻¹] / Σ generator weights, where
 *   Σ generator weights is `sumGenWeights` if given, else the sum of the weight expression over
 *   all the sample's events (the usual case for a complete, unskimmed MC sample).
 */
export const Normalisation = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  z
    .object({
      kind: z.literal('scale'),
      factor: z.number().refine(Number.isFinite, 'the scale must be a finite number'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('xsec'),
      crossSection: z.number().positive('the cross-section must be > 0 pb'),
      luminosity: z.number().positive('the luminosity must be > 0 pb⁻¹'),
      sumGenWeights: z.number().positive().nullable().default(null),
    })
    .strict(),
])
export type Normalisation = z.infer<typeof Normalisation>

const Colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour is #rrggbb')

/** What the user chooses for a sample (the add/edit form). */
export const SampleSpec = z
  .object({
    name: z.string().trim().min(1, 'a sample needs a name').max(100),
    role: SampleRole,
    /** Process group: samples of one group are stacked as one (e.g. 'tt̄' for several tt̄ files). */
    group: z.string().trim().max(100).default(''),
    colour: Colour,
    /** A chain: the same table in each file, events appended in order. */
    files: z.array(FilePath).min(1, 'a sample needs at least one file').max(10_000),
    /** Tree / dataset group / table; '' for a CSV or Parquet file. */
    table: z.string().max(1000),
    /** Per-event weight: '' (1), a column name or a product such as `genWeight*puWeight`. */
    weight: z.string().trim().max(2000).default(''),
    normalisation: Normalisation.default({ kind: 'none' }),
    /**
     * A value that means "missing" in every column of this sample (the Kaggle H→ττ set's −999),
     * read as NaN everywhere: statistics, plots, correlations, cuts and training. null: none.
     */
    missing: z
      .number()
      .refine(Number.isFinite, 'the missing-value marker must be a finite number')
      .nullable()
      .default(null),
  })
  .strict()
export type SampleSpec = z.output<typeof SampleSpec>
export type SampleSpecInput = z.input<typeof SampleSpec>

/** A sample as the project holds it, with what the engine learnt when it was added. */
export const Sample = z.object({
  id: z.string(),
  spec: SampleSpec,
  /** Events over the chain. */
  entries: z.number().int(),
  /** Σ of the weight expression over all events, before normalisation. */
  rawSumWeights: z.number(),
  /** The factor applied to every weight (1 for none; factor; xsec × lumi / Σ gen. weights). */
  scale: z.number(),
  /** Σw after normalisation: the expected (or observed) yield. */
  yield: z.number(),
  /** Number of readable columns. */
  columns: z.number().int(),
  /** SHA-256 of each file's content, in chain order (changes invalidate the column cache). */
  hashes: z.array(z.string()),
  /** Bytes of decoded columns this sample holds in the engine's memory now. */
  memoryBytes: z.number(),
  /** Why the engine cannot read the sample now (a file moved or became unreadable), if so. */
  problem: z.string().nullable(),
})
export type Sample = z.infer<typeof Sample>

// ---------------------------------------------------------------------------------------------
// Inspecting files

export const ColumnType = z.enum(COLUMN_TYPES)

export const ColumnInfo = z.object({ name: z.string(), type: ColumnType, jagged: z.boolean() })
export type ColumnInfo = z.infer<typeof ColumnInfo>

export const TableInfo = z.object({
  name: z.string(),
  entries: z.number().int(),
  columns: z.array(ColumnInfo),
  skipped: z.array(z.object({ name: z.string(), reason: z.string() })).optional(),
})
export type TableInfo = z.infer<typeof TableInfo>

export const SourceInfo = z.object({
  file: z.string(),
  format: z.enum(['root', 'csv', 'hdf5', 'parquet']),
  tables: z.array(TableInfo),
})
export type SourceInfo = z.infer<typeof SourceInfo>

// ---------------------------------------------------------------------------------------------
// Exploring variables

/** Statistics of one variable in one sample (jagged: over all elements). */
export const VariableStats = z.object({
  /** Values (elements for jagged variables), NaN included. */
  count: z.number().int(),
  /** Values that are not numbers: NaN in the file, or the sample's missing-value marker. */
  nan: z.number().int(),
  /** Of `nan`, the values equal to the sample's missing-value marker (file columns). */
  missing: z.number().int().default(0),
  /** Weighted by weight × normalisation when the sample has one; else plain. NaN when empty. */
  mean: z.number().nullable(),
  std: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  /** Σw of the non-NaN values (after normalisation). */
  sumw: z.number(),
})
export type VariableStats = z.infer<typeof VariableStats>

export const VariableRow = z.object({
  name: z.string(),
  type: ColumnType,
  jagged: z.boolean(),
  /** Ids of the samples that have this variable. */
  samples: z.array(z.string()),
  /** Sample id → statistics, for those computed so far. */
  stats: z.record(z.string(), VariableStats),
  /**
   * Where the values come from: a file column, a derived variable of the project (an
   * expression), or an applied model's output. Absent: a file column.
   */
  origin: z.enum(['file', 'derived', 'model']).optional(),
  /** Unit of the values (derived variables), e.g. 'GeV'. */
  unit: z.string().optional(),
  /** Axis label (derived variables), LaTeX-ish, e.g. 'E_T^miss'. */
  label: z.string().optional(),
})
export type VariableRow = z.infer<typeof VariableRow>

/** One sample's histogram: per-bin Σw and Σw² (normalisation applied), flows separately. */
export const SampleHistogram = z.object({
  sampleId: z.string(),
  /** Length bins. */
  sumw: z.array(z.number()),
  sumw2: z.array(z.number()),
  underflow: z.object({ sumw: z.number(), sumw2: z.number() }),
  overflow: z.object({ sumw: z.number(), sumw2: z.number() }),
  /** Values filled, and values skipped for NaN (value or weight). */
  entries: z.number().int(),
  nan: z.number().int(),
})
export type SampleHistogram = z.infer<typeof SampleHistogram>

export const HistogramResult = z.object({
  variable: z.string(),
  bins: z.number().int(),
  lo: z.number(),
  hi: z.number(),
  samples: z.array(SampleHistogram),
  /** Samples that lack the variable (not filled). */
  missing: z.array(z.string()),
})
export type HistogramResult = z.infer<typeof HistogramResult>

const Bins = z.number().int().min(1, 'at least 1 bin').max(10_000, 'at most 10000 bins')
const Edge = z.number().refine(Number.isFinite, 'range edges must be finite numbers')

const HistogramParams = z
  .object({
    variable: z.string().min(1).max(1000),
    /** Default 40, or one bin per value for integers when the range is omitted. */
    bins: Bins.optional(),
    /** Range [lo, hi); both omitted: the variable's min and max over all samples. */
    lo: Edge.optional(),
    hi: Edge.optional(),
    /** Restrict to these samples (default: all). */
    samples: z.array(z.string()).optional(),
  })
  .strict()
  .refine((p) => (p.lo === undefined) === (p.hi === undefined), 'give both lo and hi, or neither')
  .refine((p) => p.lo === undefined || p.hi === undefined || p.hi > p.lo, 'hi must be above lo')

export const CorrelationResult = z.object({
  sampleId: z.string(),
  variables: z.array(z.string()),
  /** Weighted Pearson coefficients, row-major, variables.length². null where undefined. */
  matrix: z.array(z.array(z.number().nullable())),
  /** Jagged variables are left out (one value per event is needed). */
  skipped: z.array(z.string()),
  /** Of `variables`, those with one value in every event used: no correlation is defined. */
  constant: z.array(z.string()).default([]),
  /** Events used: those where every variable and the weight are numbers. */
  events: z.number().int().optional(),
})
export type CorrelationResult = z.infer<typeof CorrelationResult>

export const Hist2DResult = z.object({
  sampleId: z.string(),
  x: z.string(),
  y: z.string(),
  xbins: z.number().int(),
  xlo: z.number(),
  xhi: z.number(),
  ybins: z.number().int(),
  ylo: z.number(),
  yhi: z.number(),
  /** Σw per cell, row-major [ix][iy]; entries outside the ranges are not counted. */
  sumw: z.array(z.array(z.number())),
  /** Σw inside / outside the ranges. */
  inside: z.number(),
  outside: z.number(),
})
export type Hist2DResult = z.infer<typeof Hist2DResult>

export const MemoryReport = z.object({
  samples: z.array(z.object({ id: z.string(), bytes: z.number(), columns: z.number().int() })),
  /** Bytes of decoded columns cached on disk beside the project. */
  cacheBytes: z.number(),
  cacheDir: z.string(),
})
export type MemoryReport = z.infer<typeof MemoryReport>

/** Settings keys: dotted names such as `explorer.binning.Muon_pt` (printable ASCII, no spaces). */
const SettingKey = z
  .string()
  .min(1)
  .max(300)
  .regex(/^[\x21-\x7e]+$/, 'a setting key is printable ASCII without spaces')
/** A setting value: JSON, at most 64 KiB. */
const SettingValue = z
  .json()
  .refine((v) => JSON.stringify(v).length <= 65_536, 'a setting value must be under 64 KiB')

// ---------------------------------------------------------------------------------------------
// Methods

const sampleId = z.string().min(1).max(100)

export const dataMethods = {
  /** Format, tables, columns and entries of a file (for the add-sample form). */
  'data.inspect': { params: z.object({ path: FilePath }).strict(), result: SourceInfo },
  'data.samples': { params: NoParams, result: z.array(Sample) },
  /**
   * Job: adds a sample. The quick checks (files readable, table and weight columns exist) answer
   * the call itself; the job then hashes the files and sums the weights. Nothing is stored
   * unless it all succeeds.
   */
  'data.addSample': {
    params: z.object({ spec: SampleSpec }).strict(),
    result: JobStarted,
    job: Sample,
  },
  /** Job: changes a sample, checked like data.addSample; the sample stays as it was on error. */
  'data.updateSample': {
    params: z.object({ id: sampleId, spec: SampleSpec }).strict(),
    result: JobStarted,
    job: Sample,
  },
  'data.removeSample': { params: z.object({ id: sampleId }).strict(), result: z.null() },
  /** The samples in this order (every id once). */
  'data.reorderSamples': {
    params: z.object({ ids: z.array(sampleId) }).strict(),
    result: z.array(Sample),
  },
  /**
   * Every variable of the samples with the statistics computed so far (cheap: nothing is
   * decoded); `complete` is false while some are missing — then run `data.summarise`.
   */
  'data.variables': {
    params: z.object({ samples: z.array(sampleId).optional() }).strict(),
    result: z.object({
      variables: z.array(VariableRow),
      complete: z.boolean(),
      /**
       * Columns of the files that are not variables, and why (a text column, one file of a chain
       * lacks it, …): what an input or a cut naming them is told.
       */
      unreadable: z.array(z.object({ name: z.string(), reason: z.string() })).default([]),
    }),
  },
  /** Job: statistics of every variable of every sample (decodes each column once). */
  'data.summarise': {
    params: z.object({ samples: z.array(sampleId).optional() }).strict(),
    result: JobStarted,
    job: z.object({ samples: z.number().int(), variables: z.number().int() }),
  },
  /** Weighted histogram of one variable in every sample. */
  'data.histogram': { params: HistogramParams, result: HistogramResult },
  /** Weighted correlation matrix of flat variables in one sample. */
  'data.correlation': {
    params: z
      .object({ sample: sampleId, variables: z.array(z.string().max(1000)).min(2).max(60) })
      .strict(),
    result: CorrelationResult,
  },
  /** Weighted 2-D histogram of two flat variables in one sample (ranges default to min–max). */
  'data.hist2d': {
    params: z
      .object({
        sample: sampleId,
        x: z.string().min(1).max(1000),
        y: z.string().min(1).max(1000),
        xbins: z.number().int().min(1).max(500).default(40),
        ybins: z.number().int().min(1).max(500).default(40),
        xlo: Edge.optional(),
        xhi: Edge.optional(),
        ylo: Edge.optional(),
        yhi: Edge.optional(),
      })
      .strict(),
    result: Hist2DResult,
  },
  'data.memory': { params: NoParams, result: MemoryReport },
  /** Frees the decoded columns held in memory (they come back from the disk cache on use). */
  'data.releaseMemory': { params: NoParams, result: MemoryReport },
  /** Settings of the Data view stored in the project (binning per variable, log-y, …). */
  'data.getSettings': {
    params: z.object({ prefix: z.string().max(300).default('') }).strict(),
    result: byName(z.json()),
  },
  /** Stores a setting (JSON); `null` deletes it. */
  'data.putSetting': {
    params: z.object({ key: SettingKey, value: SettingValue }).strict(),
    result: z.null(),
  },
  /**
   * Creates the demo project at `path` (CMS NanoAOD Drell–Yan and tt̄ simulation, dimuon
   * collision data, shipped in resources/demo) and returns its path; the client then opens it.
   * Without a path it goes to the user's config folder, and an existing demo there is reused.
   */
  'project.createDemo': {
    params: z.object({ path: FilePath.optional() }).strict(),
    result: z.object({ path: z.string() }),
  },
} as const satisfies Record<string, MethodSpec>

export type DataMethodName = keyof typeof dataMethods
