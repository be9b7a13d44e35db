/**
 * The stacked-histogram figure of an expression, from the weighted histogram use case (the
 * numbers `hepwb hist` prints): backgrounds summed per process group in source order, signals
 * per group, every data sample summed into one; Σw and Σw² per bin with the flows kept apart
 * (or folded into the edge bins), optionally each simulated group scaled to unit area. Used by
 * the window's "Save to Plots", its refresh, and `hepwb plot hist`.
 */
import type { StackComponent, StackFigure } from '../../../shared/plot/figure'
import { silentContext, type JobContext } from '../jobs/context'
import type { Binning } from '../select/hist'
import { edges as binEdges, runHistograms } from './histogram'
import { valueText, type EventSource, type ValueOf } from './source'

export interface StackFigureRequest {
  readonly value: ValueOf
  readonly binning: Binning
  readonly region?: string | null
  readonly foldFlows?: boolean
  readonly normalised?: boolean
  /** Axis label markup and unit; default from the derived variable of that name, if any. */
  readonly label?: string
  readonly unit?: string
  /** One bin per whole number. */
  readonly wholeX?: boolean
  /** Leave out samples that lack the variable instead of failing (the explorer does). */
  readonly skipUnusable?: boolean
}

export interface StackFigureResult {
  readonly figure: StackFigure
  /** Data samples hidden by the region's blinding. */
  readonly hidden: string[]
}

export async function stackFigure(
  source: EventSource,
  req: StackFigureRequest,
  ctx: JobContext = silentContext(),
): Promise<StackFigureResult> {
  const run = await runHistograms(
    source,
    {
      ...req.value,
      binning: req.binning,
      region: req.region ?? undefined,
      skipUnusable: req.skipUnusable,
    },
    ctx,
  )
  const { bins } = req.binning
  const edges = binEdges(req.binning)
  const comps = new Map<string, StackComponent>()
  for (const s of source.samples()) {
    const h = run.samples.get(s.name)
    if (!h) continue
    const key = s.role === 'data' ? 'data' : `${s.role}\u0000${s.group}`
    let c = comps.get(key)
    if (!c) {
      c = {
        name: s.role === 'data' ? 'Data' : s.group,
        role: s.role,
        colour: s.colour && /^#[0-9a-fA-F]{6}$/.test(s.colour) ? s.colour : null,
        sumw: new Array<number>(bins).fill(0),
        sumw2: new Array<number>(bins).fill(0),
        underflow: { sumw: 0, sumw2: 0 },
        overflow: { sumw: 0, sumw2: 0 },
        entries: 0,
        samples: [],
      }
      comps.set(key, c)
    }
    for (let b = 0; b < bins; b++) {
      c.sumw[b] += h.sumw[b + 1]
      c.sumw2[b] += h.sumw2[b + 1]
    }
    c.underflow.sumw += h.sumw[0]
    c.underflow.sumw2 += h.sumw2[0]
    c.overflow.sumw += h.sumw[bins + 1]
    c.overflow.sumw2 += h.sumw2[bins + 1]
    c.entries += h.entries
    c.samples.push(s.name)
  }
  const components = [...comps.values()]
  if (req.foldFlows)
    for (const c of components) {
      c.sumw[0] += c.underflow.sumw
      c.sumw2[0] += c.underflow.sumw2
      c.sumw[bins - 1] += c.overflow.sumw
      c.sumw2[bins - 1] += c.overflow.sumw2
      c.underflow = { sumw: 0, sumw2: 0 }
      c.overflow = { sumw: 0, sumw2: 0 }
    }
  const shown = req.normalised ? components.filter((c) => c.role !== 'data') : components
  if (req.normalised)
    for (const c of shown) {
      const total = c.sumw.reduce((a, v) => a + v, 0)
      if (!(total > 0)) continue
      c.sumw = c.sumw.map((v) => v / total)
      c.sumw2 = c.sumw2.map((v) => v / (total * total))
    }
  const name = valueText(req.value)
  const v = source.variables().variables.find((x) => x.name === name)
  return {
    figure: {
      kind: 'stack',
      edges,
      x: { expr: name, label: req.label ?? v?.label ?? '', unit: req.unit ?? v?.unit ?? '' },
      components: shown,
      wholeX: req.wholeX ?? false,
      flowsFolded: req.foldFlows ?? false,
      normalised: req.normalised ?? false,
      cuts: [],
      uncertainty: null,
    },
    hidden: run.hidden,
  }
}
