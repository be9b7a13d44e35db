/**
 * What a HistFactory modifier type is (HistFactory paper, CERN-OPEN-2012-016, table 1; pyhf
 * `pyhf.modifiers`): the parameter set it adds (pyhf's defaults), its constraint, and how it acts
 * on its sample — a factor on the whole sample, an additive per-bin delta, or a per-bin factor.
 * One module per type implements this; model.ts compiles a workspace by calling them and writes
 * their terms into the flat arrays the likelihood evaluates.
 */
import { type InterpolationCodes, NORMSYS_STRIDE } from '../interpolation'
import type { Modifier, Sample, Workspace } from '../workspace'

export type ParamKind = 'normfactor' | 'shapefactor' | 'lumi' | 'alpha' | 'staterror' | 'shapesys'
export type ConstraintType = 'none' | 'normal' | 'poisson'

/** Whole-sample factor kind (Model.scKind): the parameter itself (normfactor, lumi). */
export const SCALAR_PARAMETER = 0
/** Whole-sample factor kind: the model's normsys code applied to the parameter (normsys). */
export const SCALAR_NORMSYS = 1

/** One parameter set while the model is built (per-entry arrays of length `size`). */
export interface ParamSetDraft {
  name: string
  kind: ParamKind
  size: number
  init: number[]
  lower: number[]
  upper: number[]
  fixed: boolean[]
  aux: number[]
  sigma: number[]
  /** Poisson constraint rate factor τ (rate = γ τ). */
  factor: number[]
  constraint: ConstraintType
  /** shapefactor/shapesys: the bin count it was declared with. */
  nbins?: number
  /** staterror: the channels it covers, in model order once finished. */
  channels?: string[]
  /** JSON path of the modifier that declared it. */
  where: string
}

/** Where a modifier is used. */
export interface Use {
  channel: string
  /** Bins of the channel. */
  nbins: number
  sample: Sample
  /** JSON path of the modifier. */
  where: string
}

/** The model's flat term arrays a modifier appends to (typed as the Model's arrays later). */
export interface Terms {
  /** Whole-sample factors: parameter, SCALAR_* kind, NORMSYS_STRIDE numbers of code data. */
  scPar: number[]
  scKind: number[]
  scData: number[]
  /** Per-bin factors: the parameter multiplying the sample-bin. */
  pbPar: number[]
  /** Additive per-bin deltas: parameter, U = hi − nom, D = nom − lo (events). */
  hsPar: number[]
  hsU: number[]
  hsD: number[]
}

/** A modifier in the compiled model: its set, where the set starts, the model's settings. */
export interface Placement {
  set: ParamSetDraft
  /** Index of the set's first scalar parameter. */
  offset: number
  channel: string
  sample: Sample
  codes: InterpolationCodes
  /** Bins of a channel by name (staterror spans channels). */
  channelBins: (name: string) => number
}

export interface Settings {
  codes: InterpolationCodes
  staterrorConstraint: 'normal' | 'poisson'
}

/** What `finish` may read: the workspace, the model's channels in order, settings, warnings. */
export interface ModelSoFar {
  ws: Workspace
  channels: readonly { name: string; nbins: number }[]
  settings: Settings
  warnings: string[]
}

export interface ModifierType<M extends Modifier = Modifier> {
  /** Kind of parameter set (normsys and histosys share 'alpha'). */
  readonly kind: ParamKind
  /** The parameter set the first modifier of this name adds, with pyhf's defaults. */
  declare(m: M, use: Use): ParamSetDraft
  /** A later modifier of the same name and kind: check it may share the set (WorkspaceError). */
  share(set: ParamSetDraft, m: M, use: Use): void
  /** Once every use is known, before the measurement's settings: sizes, widths, warnings. */
  finish?(set: ParamSetDraft, model: ModelSoFar): void
  /** After the measurement's settings: what must have been set (throws WorkspaceError). */
  check?(set: ParamSetDraft, measurementPath: string, measurementName: string): void
  /** Appends its whole-sample factor, if it has one. */
  sampleTerm?(m: M, at: Placement, terms: Terms): void
  /** Appends its terms on bin k of the sample (a per-bin factor or an additive delta). */
  binTerm?(m: M, k: number, at: Placement, terms: Terms): void
}

export function filled(n: number, v: number): number[] {
  return new Array<number>(n).fill(v)
}

/** A set of `size` parameters with the given defaults. */
export function draft(
  name: string,
  kind: ParamKind,
  where: string,
  size: number,
  d: {
    init: number
    lower: number
    upper: number
    constraint: ConstraintType
    aux?: number
    sigma?: number
  },
): ParamSetDraft {
  return {
    name,
    kind,
    size,
    init: filled(size, d.init),
    lower: filled(size, d.lower),
    upper: filled(size, d.upper),
    fixed: new Array<boolean>(size).fill(false),
    aux: filled(size, d.aux ?? 0),
    sigma: filled(size, d.sigma ?? 1),
    factor: filled(size, 1),
    constraint: d.constraint,
    where,
  }
}

/** Appends one whole-sample factor; `data`: the normsys code's prepared numbers (else zeros). */
export function pushScalar(t: Terms, par: number, kind: number, data?: Float64Array): void {
  t.scPar.push(par)
  t.scKind.push(kind)
  for (let i = 0; i < NORMSYS_STRIDE; i++) t.scData.push(data ? data[i] : 0)
}
