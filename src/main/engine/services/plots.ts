/**
 * The Plots step's service: saves a chart of any view as data + settings + provenance (the
 * engine computes the numbers from the chart's recipe, with the same use cases as the views and
 * the CLI), lists saved plots with "inputs changed since saved", refreshes, restyles, renders and
 * exports them. The figure renderer (engine/plots) knows neither the store nor jobs.
 */
import { createHash } from 'node:crypto'
import type { PlotsMethodName } from '../../../shared/contract/plots'
import { FitSetup, type LimitOutcome } from '../../../shared/contract/fit'
import type { Figure } from '../../../shared/plot/figure'
import type { PlotProvenance, PlotRecipe, PlotStep } from '../../../shared/plot/provenance'
import type { SavedPlot, SavedPlotSummary } from '../../../shared/plot/saved-plot'
import {
  PlotSettings,
  STYLE_NAMES,
  type PlotSettingsInput,
  type StyleName,
} from '../../../shared/plot/settings'
import { STYLE_KEYS, applyStyle, defaultSettings } from '../../../shared/plot/styles'
import { stackFigure } from '../app/stack-figure'
import { silentContext } from '../jobs/context'
import { figurePng } from '../plots/export'
import { latexSnippet, plotSlug } from '../plots/latex'
import { renderFigure } from '../plots/render'
import { writePlots } from '../plots/write'
import { getWorkspace, latestResult } from '../store/fits'
import {
  deletePlot,
  deleteStyle,
  getPlot,
  insertPlot,
  listPlots,
  listStyles,
  saveStyle,
  updatePlot,
} from '../store/plots'
import { type Project, ProjectError } from '../store/project'
import { listRegions, listVariables } from '../store/regions'
import { listSamples } from '../store/samples'
import { appVersion } from '../version'
import type { Handlers, ServiceEnv } from './env'
import { setupKey } from './fit'
import { projectSource, scopeSource } from './project-source'
import type { ProjectScope } from './scope'

function sha256(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex')
}

/** The region's cuts, its parents' first (as the cut-flow applies them). */
function regionChain(project: Project, name: string): { name: string; expr: string }[] {
  const regions = listRegions(project)
  const chain: { name: string; expr: string }[][] = []
  const seen = new Set<string>()
  let r = regions.find((x) => x.name === name)
  if (!r) throw new ProjectError(`the region '${name}' is no longer in the project`)
  while (r && !seen.has(r.name)) {
    seen.add(r.name)
    chain.unshift(r.cuts.map((c) => ({ name: c.name ?? c.expr, expr: c.expr })))
    r = r.parent ? regions.find((x) => x.name === r?.parent) : undefined
  }
  return chain.flat()
}

function mentions(text: string, name: string): boolean {
  return new RegExp(`(^|[^\\w.])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w])`).test(
    text,
  )
}

/**
 * The digest of everything a recipe reads, so a change of any of it marks the plot stale: the
 * samples (spec and file hashes), the region's cuts, every derived variable; for a limit, the
 * newest stored limit of that setup.
 */
function inputsKey(project: Project, recipe: PlotRecipe): string {
  if (recipe.kind === 'none') return ''
  if (recipe.kind === 'limit') {
    const setup = FitSetup.parse(recipe.options)
    if (!getWorkspace(project.database, recipe.workspaceId))
      throw new ProjectError('its workspace is no longer in the project')
    return sha256(latestResult(project.database, recipe.workspaceId, 'limit', setupKey(setup)))
  }
  return sha256({
    recipe,
    samples: listSamples(project).map((s) => [s.spec, s.hashes]),
    cuts: recipe.region === null ? null : regionChain(project, recipe.region),
    variables: listVariables(project).map((v) => [v.name, v.expr]),
  })
}

function describeNormalisation(n: {
  kind: string
  factor?: number
  crossSection?: number
  luminosity?: number
}): string {
  if (n.kind === 'scale') return `× ${n.factor}`
  if (n.kind === 'xsec') return `σ = ${n.crossSection} pb, L = ${n.luminosity} pb⁻¹`
  return ''
}

function provenanceFor(
  project: Project,
  recipe: PlotRecipe,
  step: PlotStep,
  source: string,
  figure: Figure,
): PlotProvenance {
  const used = new Set(figure.kind === 'stack' ? figure.components.flatMap((c) => c.samples) : [])
  const samples = listSamples(project)
    .filter((s) => figure.kind !== 'stack' || used.has(s.spec.name))
    .map((s) => ({
      name: s.spec.name,
      role: s.spec.role,
      files: s.spec.files.map((path, i) => ({ path, hash: s.hashes[i] ?? '' })),
      normalisation: describeNormalisation(s.spec.normalisation),
      luminosityPb: s.spec.normalisation.kind === 'xsec' ? s.spec.normalisation.luminosity : null,
    }))
  const region =
    recipe.kind === 'histogram' && recipe.region !== null
      ? { name: recipe.region, cuts: regionChain(project, recipe.region) }
      : null
  const texts = [
    recipe.kind === 'histogram' ? recipe.variable : '',
    ...(region?.cuts.map((c) => c.expr) ?? []),
  ]
  const variables = listVariables(project)
    .filter((v) => texts.some((t) => mentions(t, v.name)))
    .map((v) => ({ name: v.name, expr: v.expr }))
  const ws = recipe.kind === 'limit' ? getWorkspace(project.database, recipe.workspaceId) : null
  return {
    project: { name: project.summary().name, path: project.path },
    step,
    source,
    samples: step === 'fit' ? [] : samples,
    region,
    variables,
    model: null,
    run: null,
    workspace: ws ? { id: ws.id, name: ws.name } : null,
    engineVersion: appVersion(),
    date: new Date().toISOString(),
    recipe,
    inputsKey: inputsKey(project, recipe),
  }
}

/** Computes a recipe's figure now (null: the recipe cannot compute, a snapshot). */
async function computeFigure(scope: ProjectScope, recipe: PlotRecipe): Promise<Figure | null> {
  const project = scope.requireProject()
  if (recipe.kind === 'histogram') {
    // A column by name reads the file column first, as the explorer does.
    const source =
      recipe.by === 'column'
        ? await projectSource(scope.samples(), await scope.computedVariables(), {
            fileColumnsFirst: true,
          })
        : await scopeSource(scope, silentContext())
    const { figure } = await stackFigure(source, {
      value: recipe.by === 'column' ? { column: recipe.variable } : { expr: recipe.variable },
      binning: { bins: recipe.bins, lo: recipe.lo, hi: recipe.hi },
      region: recipe.region,
      foldFlows: recipe.foldFlows,
      normalised: recipe.normalised,
      label: recipe.label || undefined,
      unit: recipe.unit || undefined,
      wholeX: recipe.wholeX,
      skipUnusable: recipe.by === 'column',
    })
    return figure
  }
  if (recipe.kind === 'limit') {
    const setup = FitSetup.parse(recipe.options)
    const r = latestResult(
      project.database,
      recipe.workspaceId,
      'limit',
      setupKey(setup),
    ) as LimitOutcome | null
    if (!r)
      throw new ProjectError('no CLs limit is stored for this fit set-up: run "CLs limit" first')
    return brazilFigure(r)
  }
  return null
}

/** The Brazil-band figure of a stored CLs limit. */
export function brazilFigure(r: LimitOutcome, poi = 'mu'): Figure {
  const five = (xs: (number | null)[]) => [0, 1, 2, 3, 4].map((k) => xs[k] ?? null)
  return {
    kind: 'brazil',
    poi: { name: poi, label: poi === 'mu' ? '#mu' : poi },
    cl: r.cl,
    testStat: r.testStat,
    points: r.points.map((p) => ({ mu: p.mu, cls: p.cls, clsExp: five(p.clsExp) })),
    obs: r.obs,
    exp: five(r.exp),
  }
}

/** Defaults of a new plot: the thesis style, √s and ∫L from the samples when they agree. */
function initialSettings(project: Project, patch: PlotSettingsInput): PlotSettings {
  const lumis = new Set(
    listSamples(project)
      .map((s) => (s.spec.normalisation.kind === 'xsec' ? s.spec.normalisation.luminosity : null))
      .filter((l): l is number => l !== null),
  )
  const lumiFb = lumis.size === 1 ? [...lumis][0] / 1000 : null
  return defaultSettings((patch.style as StyleName | undefined) ?? 'thesis', { lumiFb, ...patch })
}

export function plotsHandlers(env: ServiceEnv): Handlers<PlotsMethodName> {
  const project = () => env.requireProject()

  const summary = (p: SavedPlot): SavedPlotSummary => {
    let stale = false
    let staleReason = ''
    if (p.provenance.recipe.kind !== 'none') {
      try {
        stale = inputsKey(project(), p.provenance.recipe) !== p.provenance.inputsKey
        if (stale) staleReason = 'inputs changed since saved'
      } catch (e) {
        stale = true
        staleReason = `cannot be recomputed: ${(e as Error).message}`
      }
    }
    return {
      id: p.id,
      name: p.name,
      tags: p.tags,
      kind: p.figure.kind,
      step: p.provenance.step,
      source: p.provenance.source,
      style: p.settings.style,
      stale,
      staleReason,
      updatedAt: p.updatedAt,
    }
  }

  const restyle = (p: SavedPlot, style: string): SavedPlot => {
    if ((STYLE_NAMES as readonly string[]).includes(style))
      return { ...p, settings: applyStyle(p.settings, style as StyleName) }
    const preset = listStyles(project()).find((s) => s.name === style)
    if (!preset)
      throw new ProjectError(
        `no style '${style}': use thesis, atlas, cms, slides, screen or a saved style`,
      )
    const keys = [
      ...STYLE_KEYS,
      'experiment',
      'status',
      'energyTeV',
      'lumiFb',
      'lineStyles',
      'ratioRange',
    ] as const
    const picked = Object.fromEntries(keys.map((k) => [k, preset.settings[k]]))
    return { ...p, settings: PlotSettings.parse({ ...p.settings, ...picked }) }
  }

  return {
    'plots.list': () => listPlots(project()).map(summary),
    'plots.get': ({ id }) => getPlot(project(), id),
    'plots.save': async ({ name, tags, step, source, recipe, figure, settings }) => {
      const computed = await computeFigure(env.scope(), recipe)
      const fig = computed ?? figure
      if (!fig)
        throw new ProjectError(
          'nothing to save: the chart sent no figure and no recipe to compute it',
        )
      const p = project()
      return insertPlot(p, {
        name,
        tags,
        figure: fig,
        settings: initialSettings(p, settings),
        provenance: provenanceFor(p, recipe, step, source, fig),
      })
    },
    'plots.update': ({ id, name, tags, settings }) => {
      const p = getPlot(project(), id)
      return updatePlot(project(), {
        ...p,
        name: name ?? p.name,
        tags: tags ?? p.tags,
        settings: settings ? PlotSettings.parse({ ...p.settings, ...settings }) : p.settings,
      })
    },
    'plots.restyle': ({ ids, style }) =>
      ids.map((id) => updatePlot(project(), restyle(getPlot(project(), id), style))),
    'plots.remove': ({ id }) => {
      getPlot(project(), id)
      deletePlot(project(), id)
      return null
    },
    'plots.refresh': async ({ id }) => {
      const p = getPlot(project(), id)
      const recipe = p.provenance.recipe
      const fig = await computeFigure(env.scope(), recipe)
      if (!fig)
        throw new ProjectError(`'${p.name}' was saved as a snapshot and cannot be recomputed`)
      return updatePlot(project(), {
        ...p,
        figure: fig,
        provenance: provenanceFor(project(), recipe, p.provenance.step, p.provenance.source, fig),
      })
    },
    'plots.render': ({ id, figure, settings, pngDpi }) => {
      const base = id ? getPlot(project(), id) : null
      const fig = base ? base.figure : (figure as Figure)
      const s = PlotSettings.parse({
        ...(base?.settings ?? defaultSettings('thesis')),
        ...settings,
      })
      const r = renderFigure(fig, s)
      return {
        svg: r.svg,
        widthCm: r.widthCm,
        heightCm: r.heightCm,
        png: pngDpi
          ? `data:image/png;base64,${figurePng(r, pngDpi).toString('base64')}`
          : undefined,
      }
    },
    'plots.export': async ({ ids, format, dpi, style, path, overwrite }) => {
      const plots = ids.map((id) => getPlot(project(), id))
      const files = await writePlots(plots, { format, dpi, style, path, overwrite })
      return { files }
    },
    'plots.latex': ({ id, file }) => {
      const p = getPlot(project(), id)
      return { latex: latexSnippet(p, file ?? `${plotSlug(p.name)}.pdf`) }
    },
    'plots.styles': () => listStyles(project()),
    'plots.saveStyle': (preset) => {
      saveStyle(project(), preset)
      return listStyles(project())
    },
    'plots.removeStyle': ({ name }) => {
      deleteStyle(project(), name)
      return listStyles(project())
    },
  }
}
