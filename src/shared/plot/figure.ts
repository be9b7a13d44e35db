/**
 * The data of a figure: the numbers a saved plot is re-rendered from (never an image). One
 * kind per drawing convention; a kind holds only numbers and the names and labels that come with
 * them — how it looks (style, axis ranges, experiment label) is `PlotSettings` (settings.ts).
 * HEPData tables are written from these too, so each kind keeps its errors as they were
 * computed (Σw² per bin, CLs at each μ), not as they are drawn.
 */
import { z } from 'zod'

/** A number that may be undefined on the wire (null, never NaN or ±∞: JSON cannot carry them). */
const Num = z.number().nullable()
const Colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour is #rrggbb')

/** The variable on an axis: its expression (what was filled), label (TeX-like markup) and unit. */
export const AxisVariable = z.object({
  expr: z.string(),
  /** TeX-like markup (markup.ts): `p_{T}`, `#eta`, `m_{\ell\ell}`; '' = use `expr`. */
  label: z.string().default(''),
  /** e.g. 'GeV'; '' for none. */
  unit: z.string().default(''),
})
export type AxisVariable = z.infer<typeof AxisVariable>

/**
 * One histogram of a stack figure: a process group (backgrounds stacked in order, first at the
 * bottom), a signal (drawn as a line), or data (points). Contents are Σw and Σw² per bin with the
 * normalisation applied; `entries` is the number of unweighted fills (data: the events).
 */
export const StackComponent = z.object({
  name: z.string(),
  role: z.enum(['background', 'signal', 'data']),
  /** The sample's colour; null lets the palette choose. */
  colour: Colour.nullable().default(null),
  sumw: z.array(z.number()),
  sumw2: z.array(z.number()),
  underflow: z.object({ sumw: z.number(), sumw2: z.number() }).default({ sumw: 0, sumw2: 0 }),
  overflow: z.object({ sumw: z.number(), sumw2: z.number() }).default({ sumw: 0, sumw2: 0 }),
  entries: z.number().int().nonnegative().default(0),
  /** The samples summed into this component (their names, for provenance and HEPData). */
  samples: z.array(z.string()).default([]),
})
export type StackComponent = z.infer<typeof StackComponent>

/**
 * Backgrounds stacked with their √Σw² band, signals as lines, data as points with Poisson
 * (Garwood) intervals, and a data / simulation ratio panel when there are data.
 */
export const StackFigure = z.object({
  kind: z.literal('stack'),
  /** bins + 1 edges, increasing. */
  edges: z.array(z.number()).min(2),
  x: AxisVariable,
  components: z.array(StackComponent),
  /** One bin per whole number (a count variable): tick labels on integers. */
  wholeX: z.boolean().default(false),
  /** Flows were added to the first and last bins. */
  flowsFolded: z.boolean().default(false),
  /** Each simulated component scaled to unit area (shapes; no stack, no data). */
  normalised: z.boolean().default(false),
  /** Cut values on x drawn as dashed vertical lines (an N−1 plot's threshold). */
  cuts: z.array(z.number()).default([]),
  /**
   * The band on the stack's total when it is not √Σw² (a fit's pre- or post-fit uncertainty):
   * its 1σ per bin and its legend label; null = √Σw² of the backgrounds.
   */
  uncertainty: z
    .object({ error: z.array(z.number()), label: z.string() })
    .nullable()
    .default(null),
})
export type StackFigure = z.infer<typeof StackFigure>

/**
 * CLs against the signal strength with the expected band (the "Brazil band"): observed CLs,
 * the expected median and its ±1σ, ±2σ quantiles at each scanned μ, the CL line and the limits.
 */
export const BrazilFigure = z.object({
  kind: z.literal('brazil'),
  /** The parameter of interest's name ('mu') and its label markup ('#mu'). */
  poi: z.object({ name: z.string(), label: z.string().default('') }),
  /** Confidence level, e.g. 0.95. */
  cl: z.number().gt(0).lt(1),
  testStat: z.string().default('qtilde'),
  points: z.array(
    z.object({
      mu: z.number(),
      cls: Num,
      /** Expected CLs at −2σ, −1σ, median, +1σ, +2σ of the background-only expectation. */
      clsExp: z.array(Num).length(5),
    }),
  ),
  /** Upper limits on the POI: observed, and expected at −2σ … +2σ. */
  obs: Num,
  exp: z.array(Num).length(5),
})
export type BrazilFigure = z.infer<typeof BrazilFigure>

/** One curve of a lines figure; `yLo`/`yHi` (same length as y) draw a band or error bars. */
export const LineSeries = z.object({
  name: z.string(),
  x: z.array(z.number()),
  y: z.array(Num),
  yLo: z.array(Num).optional(),
  yHi: z.array(Num).optional(),
  colour: Colour.nullable().default(null),
  /** line (default), points (markers with error bars), step (histogram outline). */
  draw: z.enum(['line', 'points', 'step']).default('line'),
  dash: z.enum(['solid', 'dashed', 'dotted', 'dashdot']).default('solid'),
})
export type LineSeries = z.infer<typeof LineSeries>

/**
 * Curves on common axes: ROC curves, likelihood scans, loss curves, efficiencies. `refLines`
 * are horizontal or vertical guides (Δ(−2 ln L) = 1, a cut value).
 */
export const LinesFigure = z.object({
  kind: z.literal('lines'),
  /** What the curves are (for captions and HEPData): 'roc', 'scan', 'loss', 'efficiency', … */
  flavour: z.string().default('lines'),
  x: AxisVariable,
  y: AxisVariable,
  series: z.array(LineSeries),
  refLines: z
    .array(z.object({ axis: z.enum(['x', 'y']), value: z.number(), label: z.string().default('') }))
    .default([]),
})
export type LinesFigure = z.infer<typeof LinesFigure>

/** A matrix of cells (correlations, a 2-D histogram, an RMM); values row-major, null = empty. */
export const HeatmapFigure = z.object({
  kind: z.literal('heatmap'),
  flavour: z.string().default('heatmap'),
  /** Category labels of the columns and rows (markup), or numeric edges via `xEdges`/`yEdges`. */
  xLabels: z.array(z.string()),
  yLabels: z.array(z.string()),
  /**
   * A 2-D histogram's bin edges (columns + 1, rows + 1, increasing): with both, the axes are
   * numeric with ticks (the labels are then not drawn).
   */
  xEdges: z.array(z.number()).optional(),
  yEdges: z.array(z.number()).optional(),
  values: z.array(z.array(Num)),
  x: AxisVariable,
  y: AxisVariable,
  z: AxisVariable,
  /** Symmetric colour scale around 0 (correlations) or sequential (counts). */
  diverging: z.boolean().default(false),
})
export type HeatmapFigure = z.infer<typeof HeatmapFigure>

const XY = z.tuple([z.number(), z.number()])

/**
 * One exclusion contour of a mass plane: its pieces (a contour that leaves the plane and comes
 * back has several), each a polyline of (x, y) points in drawing order. `role` picks the HEP
 * convention it is drawn with: observed solid red, expected dashed black, ±1σ thin lines.
 */
export const ContourCurve = z.object({
  name: z.string(),
  role: z.enum(['observed', 'expected', 'expectedMinus1', 'expectedPlus1', 'other']),
  pieces: z.array(z.object({ points: z.array(XY), closed: z.boolean().default(false) })),
})
export type ContourCurve = z.infer<typeof ContourCurve>

/**
 * A mass plane (the signal grid): each signal point at its (x, y) with its CLs (filled marker
 * when excluded at `cl`), the observed and expected CLs = 1 − cl contours and the expected ±1σ
 * band as filled polygons (in x, y units).
 */
export const ContourFigure = z.object({
  kind: z.literal('contour'),
  x: AxisVariable,
  y: AxisVariable,
  /** Confidence level of the exclusion, e.g. 0.95. */
  cl: z.number().gt(0).lt(1),
  points: z.array(z.object({ name: z.string(), x: z.number(), y: z.number(), cls: Num })),
  curves: z.array(ContourCurve),
  band: z.array(z.array(XY)).default([]),
})
export type ContourFigure = z.infer<typeof ContourFigure>

/**
 * Pulls of the nuisance parameters after a fit: one row per parameter (top to bottom), its
 * pull (θ̂ − θ₀)/Δθ with the post-fit constraint as a horizontal error bar, on the ±1σ / ±2σ
 * bands (the Fit view's pulls, ordered as shown); with impacts, the ranking plot: each row's
 * pre- and post-fit ±1σ impact on the POI as bars on a top axis.
 */
export const PullsFigure = z.object({
  kind: z.literal('pulls'),
  x: AxisVariable,
  rows: z.array(
    z.object({
      name: z.string(),
      pull: Num,
      /** The post-fit uncertainty of the pull (θ̂'s error / Δθ); null = none drawn. */
      error: Num,
      /**
       * A ranking's impact on the POI of moving this parameter by +1σ and −1σ, pre-fit and
       * post-fit (ΔPOI); drawn as bars on the top axis.
       */
      impact: z
        .object({ pre: z.tuple([Num, Num]), post: z.tuple([Num, Num]) })
        .nullable()
        .default(null),
    }),
  ),
  /** The top axis' title for the impacts (markup, e.g. '#Delta#mu'). */
  impactLabel: z.string().default('#Delta#mu'),
})
export type PullsFigure = z.infer<typeof PullsFigure>

export const Figure = z.discriminatedUnion('kind', [
  StackFigure,
  BrazilFigure,
  LinesFigure,
  HeatmapFigure,
  ContourFigure,
  PullsFigure,
])
export type Figure = z.infer<typeof Figure>
export type FigureInput = z.input<typeof Figure>
export type FigureKind = Figure['kind']
