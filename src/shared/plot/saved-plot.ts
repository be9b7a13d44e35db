/**
 * A plot saved in the project: data + settings + provenance (never only an image), so it
 * re-renders at any size and style and can be refreshed when its inputs change.
 */
import { z } from 'zod'
import { Figure } from './figure'
import { PlotProvenance, PlotStep } from './provenance'
import { PlotSettings } from './settings'

export const PlotName = z.string().trim().min(1, 'a plot needs a name').max(200)

export const SavedPlot = z.object({
  id: z.string(),
  name: PlotName,
  tags: z.array(z.string().trim().min(1).max(50)).max(30).default([]),
  figure: Figure,
  settings: PlotSettings,
  provenance: PlotProvenance,
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type SavedPlot = z.infer<typeof SavedPlot>

/** A gallery entry: what the Plots view lists (the figure itself is fetched when drawn). */
export const SavedPlotSummary = z.object({
  id: z.string(),
  name: z.string(),
  tags: z.array(z.string()),
  kind: z.enum(['stack', 'brazil', 'lines', 'heatmap', 'contour', 'pulls']),
  step: PlotStep,
  source: z.string(),
  style: z.string(),
  /** The inputs changed since the numbers were computed (refresh to recompute). */
  stale: z.boolean(),
  /** Why it is stale, or why it cannot be checked, in words; '' when up to date. */
  staleReason: z.string(),
  updatedAt: z.string(),
})
export type SavedPlotSummary = z.infer<typeof SavedPlotSummary>
