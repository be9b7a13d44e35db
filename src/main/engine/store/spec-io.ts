/**
 * A project as an analysis spec file (DESIGN.md §5): its samples (files, tree, role, group,
 * colour, weight and normalisation), derived variables and regions, in the project's order.
 * Sample file paths are written relative to the spec file's folder, so the spec and its data
 * can move together and `hepwb cutflow SPEC.json` reads the same events as the project.
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path'
import {
  formatSpecIssues,
  parseSpec,
  specSampleFromProject,
  type AnalysisSpec,
  type SpecSample,
} from '../../../shared/spec'
import { OutputPathError, writeOutputFile } from '../io/output-file'
import type { Project, WriteOptions } from './project'
import { ProjectError } from './project'
import { listRegions, listVariables } from './regions'
import { listSamples } from './samples'

/** `file` relative to `dir` when it lies there or nearby; absolute when on another root. */
function relativeTo(dir: string, file: string): string {
  const rel = relative(dir, file)
  // On another drive (Windows) relative() gives an absolute path: keep the file's own.
  return rel === '' || isAbsolute(rel) ? file : rel.split('\\').join('/')
}

/**
 * The project's spec, with sample paths relative to `specDir` (the folder of the spec file).
 * Validated like a spec read from a file: a project whose content a spec cannot express
 * (which the store's own checks prevent) is an error, not a spec that fails later.
 */
export function projectToSpec(project: Project, specDir: string): AnalysisSpec {
  const dir = resolve(specDir)
  const samples: SpecSample[] = listSamples(project).map((s) => {
    const spec = specSampleFromProject(s.spec)
    return { ...spec, files: spec.files.map((f) => relativeTo(dir, resolve(f))) }
  })
  const json = {
    samples,
    variables: listVariables(project),
    regions: listRegions(project),
  }
  const r = parseSpec(json)
  if (!r.ok)
    throw new ProjectError(
      `this project cannot be written as a spec:\n${formatSpecIssues(r.issues)}`,
    )
  return r.spec
}

/**
 * Writes the project's spec to `file` (JSON, 2-space indent) through a temporary file: a
 * failure leaves an existing file as it was. An existing file is refused (FileExistsError)
 * unless `overwrite`. Returns the absolute path written.
 */
export function exportSpecFile(project: Project, file: string, options: WriteOptions = {}): string {
  const path = resolve(file)
  if (!listSamples(project).length)
    throw new ProjectError('the project has no samples; a spec needs at least one')
  const spec = projectToSpec(project, dirname(path))
  const text = `${JSON.stringify(specJson(spec), null, 2)}\n`
  try {
    writeOutputFile(path, text, options.overwrite ?? false)
  } catch (e) {
    if (e instanceof OutputPathError) throw new ProjectError(e.message)
    throw e
  }
  return path
}

/** The spec as written: defaults that say nothing (empty group, unit weight, scale 1) left out. */
function specJson(spec: AnalysisSpec): unknown {
  return {
    samples: spec.samples.map((s) => ({
      name: s.name,
      role: s.role,
      ...(s.group ? { group: s.group } : {}),
      ...(s.colour ? { colour: s.colour } : {}),
      files: s.files,
      ...(s.tree !== undefined ? { tree: s.tree } : {}),
      ...(s.weight ? { weight: s.weight } : {}),
      ...(s.scale !== 1 ? { scale: s.scale } : {}),
      ...(s.xsec !== undefined ? { xsec: s.xsec, lumi: s.lumi } : {}),
      ...(s.sumw !== undefined ? { sumw: s.sumw } : {}),
    })),
    variables: spec.variables,
    regions: spec.regions.map((r) => ({
      name: r.name,
      ...(r.parent !== undefined ? { parent: r.parent } : {}),
      ...(r.blinded ? { blinded: true } : {}),
      cuts: r.cuts,
    })),
  }
}
