/**
 * The RMM builder's engine methods: a config becomes derived variables (features/rmm.ts) stored
 * like any other, the layout is kept in the project's settings (`rmm.layout.<prefix>`), and the
 * heatmaps read the cells back through the selection engine — one event of a sample, or the
 * weighted mean over the events of a region per process group (app/rmm.ts: partition by
 * partition, on the project's executor).
 */
import {
  RmmLayout,
  type RmmConfig,
  type RmmEvent,
  type RmmMean,
  type RmmMethodName,
} from '../../../shared/contract/rmm'
import { ExprError, checkExpr, closest } from '../../../shared/expr'
import type { SpecVariable } from '../../../shared/spec'
import { buildRmm, cellPrefix, configColumns } from '../features/rmm'
import { checkVariables } from '../select/derived'
import { resolveRegions, withAncestors, type ResolvedRegion } from '../select/regions'
import { SpecError } from '../select/spec-error'
import { columnSymbols } from '../samples/prepare'
import { ProjectError, type Project } from '../store/project'
import { listRegions, listVariables, saveVariable } from '../store/regions'
import { getSettings, putSetting } from '../store/samples'
import { runRmmEvent, runRmmMean } from '../app/rmm'
import type { Handlers, ServiceEnv } from './env'
import { projectSource } from './project-source'

const SETTING = 'rmm.layout.'

/** The stored layouts, by prefix order; a malformed entry is skipped, not fatal. */
function storedLayouts(project: Project): RmmLayout[] {
  const out: RmmLayout[] = []
  for (const value of Object.values(getSettings(project, SETTING))) {
    const r = RmmLayout.safeParse(value)
    if (r.success) out.push(r.data)
  }
  return out
}

function layoutOf(project: Project, prefix: string): RmmLayout {
  const layout = storedLayouts(project).find((l) => l.prefix === prefix)
  if (!layout)
    throw new ProjectError(`no RMM with prefix '${prefix}' in this project; build it first`)
  return layout
}

/** Replaces the variables named `rmm_<prefix>_…` by `fresh`, in one transaction. */
function replaceCells(project: Project, prefix: string, fresh: readonly SpecVariable[]): void {
  const start = cellPrefix(prefix)
  const db = project.database
  db.transaction(() => {
    db.prepare('DELETE FROM variables WHERE substr(name, 1, length(?)) = ?').run(start, start)
    for (const v of fresh) saveVariable(project, v)
  })()
}

export function rmmHandlers(env: ServiceEnv): Handlers<RmmMethodName> {
  /** Union of every sample's columns (what the builder may name). */
  async function projectColumns() {
    const all = await env.samples().all()
    return new Map(all.flatMap((s) => [...columnSymbols(s.sample)]))
  }

  /** Throws a ProjectError naming the first column of the config no sample has. */
  function checkConfigColumns(config: RmmConfig, symbols: Map<string, { jagged: boolean }>) {
    for (const { what, column, jagged } of configColumns(config)) {
      const info = symbols.get(column)
      if (!info) {
        const near = closest(column, symbols.keys())
        throw new ProjectError(
          `RMM ${what}: '${column}' is not a column of any sample${near ? `; did you mean '${near}'?` : ''}`,
        )
      }
      if (info.jagged !== jagged)
        throw new ProjectError(
          `RMM ${what}: '${column}' is ${info.jagged ? 'a list per event' : 'one value per event'}; ` +
            (jagged ? 'a jagged collection needs list columns' : 'this needs one value per event'),
        )
    }
    for (const c of config.collections) {
      if (c.layout !== 'jagged' || !c.selection) continue
      const r = checkExpr(c.selection, symbols)
      const name = c.label || c.kind
      if (!r.ok)
        throw new ProjectError(`RMM ${name} selection '${c.selection}': ${r.error.message}`)
      if (r.value.shape !== 'jagged')
        throw new ProjectError(
          `RMM ${name} selection '${c.selection}' must be a condition per object (a list per event), e.g. Jet_btagDeepB > 0.5`,
        )
    }
  }

  /** Region `name` with its ancestors' cuts, or null for all events. */
  function regionOf(name: string | undefined): ResolvedRegion | null {
    if (name === undefined) return null
    const regions = listRegions(env.requireProject())
    if (!regions.some((r) => r.name === name))
      throw new ProjectError(`no region named '${name}' in this project`)
    const chain = withAncestors(resolveRegions(regions), name)
    return chain[chain.length - 1]
  }

  return {
    'rmm.build': async ({ config }) => {
      const p = env.requireProject()
      const symbols = await projectColumns()
      checkConfigColumns(config, symbols)
      const built = buildRmm(config)
      const clash = built.variables.find((v) => symbols.has(v.name))
      if (clash)
        throw new ProjectError(
          `'${clash.name}' is already a column of a sample; choose another prefix`,
        )
      const start = cellPrefix(config.prefix)
      const others = listVariables(p).filter((v) => !v.name.startsWith(start))
      const checked = checkVariables(
        [...others, ...built.variables],
        symbols,
        'in this project',
        await env.computedVariables(),
      )
      for (const v of built.variables) {
        const bad = checked.failed.get(v.name)
        if (bad) throw new ProjectError(`RMM cell ${v.name} (${v.label}): ${bad.message}`)
      }
      // Checked before anything is written: a failed build leaves the previous RMM as it was.
      replaceCells(p, config.prefix, built.variables)
      const layout: RmmLayout = {
        prefix: config.prefix,
        sqrtS: config.sqrtS,
        labels: built.labels,
        cells: built.cells,
        config,
      }
      putSetting(p, SETTING + config.prefix, layout)
      return layout
    },
    'rmm.layouts': () => storedLayouts(env.requireProject()),
    'rmm.remove': ({ prefix }) => {
      const p = env.requireProject()
      layoutOf(p, prefix)
      replaceCells(p, prefix, [])
      putSetting(p, SETTING + prefix, null)
      return storedLayouts(p)
    },
    'rmm.event': async ({ prefix, sample: name, region: regionName, index }) => {
      const p = env.requireProject()
      const layout = layoutOf(p, prefix)
      const region = regionOf(regionName)
      const entry = (await env.samples().all()).find((s) => s.stored.spec.name === name)
      if (!entry) throw new ProjectError(`no sample named '${name}' in this project`)
      if (region?.blinded && entry.stored.spec.role === 'data')
        throw new ProjectError(`region '${region.name}' is blinded: data events are hidden`)
      // Counted partition by partition; only the partition holding the event is read whole.
      const source = await projectSource(env.samples(), await env.computedVariables())
      const request = {
        sample: name,
        cells: layout.cells,
        index,
        ...(regionName === undefined ? {} : { region: regionName }),
      }
      let run
      try {
        run = await runRmmEvent(source, request)
      } catch (e) {
        if (e instanceof ExprError || e instanceof SpecError)
          throw new ProjectError(`sample '${name}': ${e.message}`)
        throw e
      }
      const { selected, event, matrix } = run
      if (selected === 0)
        throw new ProjectError(
          `sample '${name}' has no events${region ? ` passing region '${region.name}'` : ''}`,
        )
      if (event === null || matrix === null)
        throw new ProjectError(
          `sample '${name}' has ${selected} selected events; no event ${index + 1}`,
        )
      return {
        prefix,
        sample: name,
        labels: layout.labels,
        index,
        event,
        selected,
        matrix,
      } satisfies RmmEvent
    },
    'rmm.mean': async ({ prefix, region: regionName }) => {
      const layout = layoutOf(env.requireProject(), prefix)
      regionOf(regionName)
      // A pass over partitions like the Cuts view's: out of core, on the project's threads.
      const source = await projectSource(env.samples(), await env.computedVariables())
      const request = {
        cells: layout.cells,
        ...(regionName === undefined ? {} : { region: regionName }),
      }
      return {
        prefix,
        labels: layout.labels,
        ...(await runRmmMean(source, request)),
      } satisfies RmmMean
    },
  }
}
