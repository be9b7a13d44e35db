/**
 * Running an analysis spec over its files: the weighted cut-flow of every region and sample,
 * and the weighted histogram of an expression in a region. Both are the application layer's
 * use cases (app/cutflow.ts, app/histogram.ts) over the spec's event source
 * (app/spec-source.ts); these are the spec-side entry points the CLI and tests call.
 */
import type { CutflowResult, RegionHistogram } from '../../../shared/cutflow'
import type { AnalysisSpec } from '../../../shared/spec'
import { runCutflow } from './cutflow'
import { runHistogram } from './histogram'
import type { PartitionOptions } from './partition'
import { specSource } from './spec-source'
import { silentContext, type JobContext } from '../jobs/context'
import type { Binning } from '../select/hist'

export interface CutflowOptions {
  /** Only these regions (with their parents, which they need); default all. */
  readonly regions?: readonly string[]
  /** Relative background uncertainty σ_b / b for Z_A with σ_b (default 0). */
  readonly sigmaB?: number
  readonly ctx?: JobContext
  /** How samples are cut into partitions (default: app/partition.ts). */
  readonly partitions?: PartitionOptions
}

/** The weighted cut-flow of a spec whose file paths are already resolved. */
export async function cutflowOfSpec(
  spec: AnalysisSpec,
  options: CutflowOptions = {},
): Promise<CutflowResult> {
  const source = specSource(spec, options.partitions)
  const { regions, sigmaB } = options
  return (await runCutflow(source, { regions, sigmaB }, options.ctx ?? silentContext())).result
}

export interface HistogramOptions {
  /** Expression to histogram (a column, a derived variable, anything; lists fill every element). */
  readonly expr: string
  readonly binning: Binning
  /** Events of this region only; default all events. */
  readonly region?: string
  readonly ctx?: JobContext
  readonly partitions?: PartitionOptions
}

/** The weighted histogram of an expression per sample; data hidden in a blinded region. */
export async function histogramOfSpec(
  spec: AnalysisSpec,
  options: HistogramOptions,
): Promise<RegionHistogram> {
  const { expr, binning, region } = options
  const source = specSource(spec, options.partitions)
  return runHistogram(source, { expr, binning, region }, options.ctx ?? silentContext())
}
