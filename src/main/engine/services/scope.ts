/**
 * A project the engine holds, with what services derive from it (its samples as event tables,
 * its applied models as variables). The open project is one; a project the window closed while
 * some of its jobs kept running is another, held until its last job has stored its result. A
 * job captures the scope of the project it was started in, so everything it reads and writes
 * (samples, variables, models, runs) stays in that project whatever the window opens meanwhile.
 */
import { appliedVariables } from '../ml/applied'
import { projectAppliedModels } from './applied-models'
import { SampleRegistry } from '../samples/registry'
import type { ComputedVariable } from '../select/derived'
import type { Project } from '../store/project'

/** What a use case needs of a project: the store, its samples and its computed variables. */
export interface ProjectScope {
  /** The project (never another one: a scope is bound to one project for its life). */
  requireProject(): Project
  /** Its samples as event tables, opened once and shared by every service and job. */
  samples(): SampleRegistry
  /** Its applied models' outputs as per-event variables (cached until modelsChanged). */
  computedVariables(): Promise<readonly ComputedVariable[]>
}

export class ProjectSession implements ProjectScope {
  private registry: SampleRegistry | null = null
  private applied: Promise<ComputedVariable[]> | null = null

  constructor(
    readonly project: Project,
    private readonly warn: (message: string) => void,
  ) {}

  requireProject(): Project {
    return this.project
  }

  samples(): SampleRegistry {
    return (this.registry ??= new SampleRegistry(this.project))
  }

  computedVariables(): Promise<ComputedVariable[]> {
    return (this.applied ??= appliedVariables(projectAppliedModels(this.project), this.warn))
  }

  /** Forgets the applied models' variables (after apply, un-apply or remove). */
  modelsChanged(): void {
    this.applied = null
  }

  close(): void {
    this.project.close()
  }
}
