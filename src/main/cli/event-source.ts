/**
 * The file a command reads its events from: an analysis spec (SPEC.json) or a project
 * (PROJECT.hepwb, opened read-only, applied models included), both as the application layer's
 * event source, so `hepwb cutflow` prints the same JSON for a spec and the project opened from
 * it. Errors name the file; a spec's also its JSON path.
 */
import { openSync, readSync, closeSync } from 'node:fs'
import { extname } from 'node:path'
import type { SpecVariable } from '../../shared/spec'
import { defaultMemoryBudget } from '../engine/app/memory-budget'
import { runOn, withMemory, type EventSource } from '../engine/app/source'
import type { TaskExecutor } from '../engine/app/task'
import { specSource } from '../engine/app/spec-source'
import { appliedVariables } from '../engine/ml/applied'
import { projectAppliedModels } from '../engine/services/applied-models'
import { SampleRegistry } from '../engine/samples/registry'
import { SpecError } from '../engine/select/spec-error'
import { SpecFileError, withSpecFile } from '../engine/select/spec-file'
import { projectSource } from '../engine/services/project-source'
import { Project } from '../engine/store/project'
import { memoryOption, withRunExecutor } from './run-options'

/** Whether `file` is a project: the .hepwb extension, or an SQLite file under another name. */
export function isProjectFile(file: string): boolean {
  if (extname(file).toLowerCase() === '.hepwb') return true
  let fd: number | undefined
  try {
    fd = openSync(file, 'r')
    const head = Buffer.alloc(16)
    readSync(fd, head, 0, 16, 0)
    return head.toString('latin1') === 'SQLite format 3\0'
  } catch {
    return false // a missing file is the spec reader's to report
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/** What a command gets: the event source and the derived variables it offers (for binnings). */
export interface CommandSource {
  readonly source: EventSource
  readonly variables: readonly SpecVariable[]
}

/**
 * Runs `fn` over the event source of a spec or project file, its passes on the executor of
 * --threads and under the budget of --memory (run-options.ts; default: a project's
 * compute.memory setting, else a quarter of the machine's memory); the project and the
 * threads are closed after.
 */
export async function withEventSource<T>(
  file: string,
  fn: (s: CommandSource) => Promise<T>,
): Promise<T> {
  const memory = memoryOption()
  return withRunExecutor((executor) =>
    eventSourceOn(file, executor, ({ source, variables }) =>
      // --memory, else the project's setting, else the machine's default.
      fn({
        source: withMemory(source, memory ?? source.memory ?? defaultMemoryBudget()),
        variables,
      }),
    ),
  )
}

async function eventSourceOn<T>(
  file: string,
  executor: TaskExecutor | undefined,
  fn: (s: CommandSource) => Promise<T>,
): Promise<T> {
  if (!isProjectFile(file))
    return withSpecFile(file, (spec) =>
      fn({ source: runOn(specSource(spec), executor), variables: spec.variables }),
    )
  const project = Project.openReadOnly(file)
  try {
    const registry = new SampleRegistry(project, { readOnly: true })
    const computed = await appliedVariables(projectAppliedModels(project), (m) =>
      process.stderr.write(`hepwb: ${m}\n`),
    )
    const source = await projectSource(registry, computed, { requireAll: true, executor })
    return await fn({ source, variables: source.variables().variables })
  } catch (e) {
    if (e instanceof SpecError) throw new SpecFileError(file, e.message, { cause: e })
    throw e
  } finally {
    project.close()
  }
}
