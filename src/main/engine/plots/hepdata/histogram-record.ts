/**
 * The HEPData record of one histogram figure, in one call: what `hepwb plot hist … --hepdata
 * DIR` writes beside the figure (and what the window's export of a saved histogram plot
 * writes). The table's numbers are the histogram's (`hepwb hist` prints the same); the figure,
 * when given, becomes the table's image and thumbnail. Usage in `hepwb plot hist`:
 *   const h = await runHistogram(source, request)           // the numbers of `hepwb hist`
 *   const r = renderFigure(stackFigure, settings)           // the figure written to --out
 *   writeHistogramRecord({ histogram: h, samples, observable, conditions, figure: r, out: dir })
 */
import type { RegionHistogram } from '../../../../shared/cutflow'
import type { Conditions } from './conditions'
import { histogramTable, type SampleRole, type SampleSystematic } from './histogram-table'
import type { Figure, Header } from './record'
import { writeSubmission, type WrittenSubmission } from './write'

export interface HistogramRecordInput {
  /** The histogram as runHistogram gives it. */
  histogram: RegionHistogram
  /** Sample roles in source order (data drawn as points, backgrounds stacked, signals as lines). */
  samples: readonly { name: string; role: SampleRole }[]
  /** The x axis (label with TeX-like markup allowed, unit). */
  observable: Header
  /** Table name (default "Distribution of OBSERVABLE"), ≤ 64 characters. */
  name?: string
  description?: string
  /** √s (TeV), luminosity (fb⁻¹), region. */
  conditions?: Conditions
  systematics?: Readonly<Record<string, readonly SampleSystematic[]>>
  /**
   * The figure (renderFigure's RenderedFigure, or any {svg, widthCm}): becomes the table's
   * image and thumbnail.
   */
  figure?: Figure
  /** Folder to write into (created when missing). */
  out: string
  zip?: boolean
  overwrite?: boolean
}

/** Validates and writes the record (submission.yaml, the data file, image, thumbnail). */
export function writeHistogramRecord(input: HistogramRecordInput): WrittenSubmission {
  const name = (input.name ?? `Distribution of ${input.observable.name}`).slice(0, 64)
  const table = histogramTable({
    name,
    histogram: input.histogram,
    samples: input.samples,
    observable: input.observable,
    ...(input.description ? { description: input.description } : {}),
    ...(input.conditions ? { conditions: input.conditions } : {}),
    ...(input.systematics ? { systematics: input.systematics } : {}),
    ...(input.figure ? { figure: { svg: input.figure.svg, widthCm: input.figure.widthCm } } : {}),
  })
  return writeSubmission(
    {
      comment: `${name}: the numbers behind the figure, written by HEP Workbench.`,
      resources: [],
      tables: [table],
    },
    { out: input.out, zip: input.zip, overwrite: input.overwrite },
  )
}
