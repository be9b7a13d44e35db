/**
 * A project as an analysis spec and back (issue 4): `spec.export` writes the open project's
 * samples, derived variables and regions as a spec file; `spec.open` builds a new project file
 * from a spec — samples added the way the Data step adds them (files checked and hashed,
 * weights summed, normalisation computed), then variables and regions, every cut checked — and
 * makes it the open project. Any problem is named by the spec's JSON path, and leaves no
 * project file behind.
 */
import { existsSync, rmSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import type { ProjectSummary } from '../../../shared/api'
import { SampleSpec } from '../../../shared/contract/data'
import type { SpecMethodName } from '../../../shared/contract/spec'
import type { SymbolInfo } from '../../../shared/expr'
import { SAMPLE_PALETTE } from '../../../shared/palette'
import { specSampleToProject, type AnalysisSpec } from '../../../shared/spec'
import { InputError } from '../io/errors'
import { checkOutputPath } from '../io/output-file'
import { openSource } from '../io/source'
import type { JobContext } from '../jobs/context'
import { checkFor } from '../samples/prepare'
import { SampleRegistry, cacheDirOf } from '../samples/registry'
import { WeightError } from '../samples/weights'
import { checkVariables } from '../select/derived'
import { resolveRegions } from '../select/regions'
import { SpecError, exprSpecError } from '../select/spec-error'
import { SpecFileError, readSpecFile } from '../select/spec-file'
import { Project, ProjectError, type WriteOptions } from '../store/project'
import { listRegions, saveRegion, saveVariable } from '../store/regions'
import { exportSpecFile } from '../store/spec-io'
import { insertSample } from '../store/samples'
import type { Handlers, ServiceEnv } from './env'

/**
 * `adopt` makes a project the open one (closing the previous) and returns its summary; the
 * engine's own project switch, so the recent list and the `project` event follow as usual.
 */
export function specHandlers(
  env: ServiceEnv,
  adopt: (project: Project) => ProjectSummary,
): Handlers<SpecMethodName> {
  return {
    'spec.export': ({ path, overwrite }) => ({
      path: exportSpecFile(env.requireProject(), path, { overwrite }),
    }),
    'spec.open': async ({ spec: specFile, project: projectPath, overwrite }) => {
      // Quick checks answer the call: a bad spec or a taken path never becomes a job.
      const file = resolve(specFile)
      const target = resolve(projectPath)
      const spec = await readSpecFile(file)
      checkOutputPath(target, overwrite)
      return {
        jobId: env.jobs.start(
          'spec.open',
          `Open spec ${basename(file)} as a project`,
          { spec: file, project: target },
          async (ctx) => adopt(await projectFromSpec(spec, file, target, ctx, { overwrite })),
        ),
      }
    },
  }
}

/**
 * Creates the project file `target` from `spec` (read from `specFile`, paths resolved). The
 * project is built completely under a temporary name beside `target` and renamed into place
 * last, so `target` is either absent or complete, whenever the process is stopped; an existing
 * `target` is refused before any work (FileExistsError) unless `overwrite`. Throws
 * SpecFileError naming the spec's JSON path; on any failure nothing is left at `target` (nor the
 * column cache, when this created it).
 */
export async function projectFromSpec(
  spec: AnalysisSpec,
  specFile: string,
  target: string,
  ctx: JobContext,
  options: WriteOptions = {},
): Promise<Project> {
  const draft = Project.draft(target, undefined, options)
  const cacheDir = cacheDirOf(draft.project.path)
  const hadCache = existsSync(cacheDir)
  try {
    await fill(draft.project, spec, ctx)
  } catch (e) {
    draft.discard()
    if (!hadCache) rmSync(cacheDir, { recursive: true, force: true })
    if (e instanceof SpecError) throw new SpecFileError(specFile, e.message, { cause: e })
    throw e
  }
  return draft.commit()
}

/** Variables, samples and regions of `spec` into the new, empty `project`. */
async function fill(project: Project, spec: AnalysisSpec, ctx: JobContext): Promise<void> {
  // Variables first: a sample's weight may read one.
  for (const v of spec.variables)
    saveVariable(project, {
      name: v.name,
      expr: v.expr,
      ...(v.unit ? { unit: v.unit } : {}),
      ...(v.label ? { label: v.label } : {}),
    })
  const registry = new SampleRegistry(project)
  const columns = new Map<string, SymbolInfo>()
  const n = spec.samples.length
  for (const [i, s] of spec.samples.entries()) {
    ctx.throwIfCancelled()
    const path = ['samples', i]
    ctx.progress(i / n, `sample ${s.name}`)
    try {
      const table = s.tree ?? (await onlyTable(s.files[0]))
      const parsed = SampleSpec.safeParse(
        specSampleToProject(s, { table, colour: SAMPLE_PALETTE[i % SAMPLE_PALETTE.length] }),
      )
      if (!parsed.success) throw new SpecError(path, parsed.error.issues[0].message)
      const checked = await registry.check(parsed.data, ctx)
      const loaded = await registry.load(checked, part(ctx, i, n, `sample ${s.name}`))
      insertSample(project, parsed.data, loaded.facts)
      for (const c of loaded.table.columns) columns.set(c.name, { jagged: c.jagged })
      loaded.release()
    } catch (e) {
      if (e instanceof InputError) {
        const k = s.files.indexOf(e.file)
        throw new SpecError(k >= 0 ? [...path, 'files', k] : [...path, 'files'], e.message)
      }
      if (e instanceof WeightError) throw new SpecError([...path, 'weight'], e.message)
      if (e instanceof ProjectError) throw new SpecError(path, e.message)
      throw e
    }
  }
  ctx.progress(1, 'variables and regions')
  // Checked against every sample's columns, as the Cuts view checks them.
  const variables = checkVariables(spec.variables, columns, 'in this project')
  const failed = [...variables.failed.values()][0]
  if (failed) throw failed
  for (const r of spec.regions) saveRegion(project, r)
  resolveRegions(listRegions(project))
  spec.regions.forEach((r, i) =>
    r.cuts.forEach((c, j) => {
      const result = checkFor(variables, c.expr, true)
      if (!result.ok)
        throw exprSpecError(['regions', i, 'cuts', j, 'expr'], c.expr, '', result.error)
    }),
  )
}

/** The name of a file's only table; a spec must name the tree when there are several. */
async function onlyTable(file: string): Promise<string> {
  const names = (await openSource(file)).tables.map((t) => t.name)
  if (names.length === 1) return names[0]
  throw new InputError(
    { file },
    names.length
      ? `${names.length} tables (${names.join(', ')}): choose one with "tree"`
      : 'holds no tables (no TTree, dataset or rows)',
  )
}

/** `ctx` for part i of n: its progress fractions map onto [i/n, (i+1)/n] of the whole. */
function part(ctx: JobContext, i: number, n: number, message: string): JobContext {
  return {
    signal: ctx.signal,
    progress: (f) => ctx.progress((i + f) / n, message),
    metric: (name, step, value) => ctx.metric(name, step, value),
    log: (m) => ctx.log(m),
    throwIfCancelled: () => ctx.throwIfCancelled(),
  }
}
