/**
 * A HEPData submission as the writer holds it before it becomes files: the submission-wide
 * part, and the tables, each with its data file's content (independent and dependent
 * variables, HEPData format 1.1.x, see schema/SOURCE.md). Plain objects whose field names are
 * those of the format, so the YAML written is these objects as they are.
 */

/** A variable's name and units (free text; HEPData renders `$…$` as LaTeX). */
export interface Header {
  name: string
  units?: string
}

/** An x value: a point (a number or a label such as a cut's name) or a bin [low, high). */
export type IndependentValue =
  { value: number | string } | { low: number; high: number; value?: number }

export interface IndependentVariable {
  header: Header
  values: IndependentValue[]
}

/** One error of a value; `asymerror.minus` is signed (negative for a downward error). */
export interface ValueError {
  label?: string
  symerror?: number | string
  asymerror?: { minus: number | string; plus: number | string }
}

/** A measured value; a non-finite one is written as '-' (HEPData's "no value"). */
export interface DependentValue {
  value: number | string
  errors?: ValueError[]
}

/** A condition of a dependent variable: √s, luminosity, region, observable, sample. */
export interface Qualifier {
  name: string
  value: number | string
  units?: string
}

export interface DependentVariable {
  header: Header
  qualifiers?: Qualifier[]
  values: DependentValue[]
}

/** The content of one data file. */
export interface DataTable {
  independent_variables: IndependentVariable[]
  dependent_variables: DependentVariable[]
}

export type KeywordName = 'cmenergies' | 'observables' | 'reactions' | 'phrases'

export interface Keyword {
  name: KeywordName
  values: (string | number)[]
}

/** A file shipped with the submission (or a link); `content` is written beside the tables. */
export interface Resource {
  location: string
  description: string
  type?: string
  license?: { name: string; url: string; description?: string }
  /** The file's bytes or text, written under `location` (absent for a link). */
  content?: Uint8Array | string
}

/** A figure of a table: its SVG (the figure renderer's), made into the PNG and thumbnail HEPData shows. */
export interface Figure {
  svg: string
  /** The figure's width in cm (the image is drawn at 150 dpi); default: the SVG's own size. */
  widthCm?: number
}

export interface Table {
  /** At most 64 characters, unique in the submission. */
  name: string
  description: string
  /** Where it is in the paper ("Figure 3 (left)"); optional. */
  location?: string
  keywords: Keyword[]
  data: DataTable
  /** Resources of this table (its figure is added by the writer). */
  resources?: Resource[]
  figure?: Figure
}

export interface Submission {
  /** What applies to every table (the first document's `comment`). */
  comment: string
  resources: Resource[]
  tables: Table[]
}

/** A number as HEPData takes it: finite numbers as they are, anything else as '-'. */
export function hepValue(x: number | null | undefined): number | string {
  return typeof x === 'number' && Number.isFinite(x) ? x : '-'
}
