/**
 * The "Project samples" set-up of INFERNO as the form holds it, checked with the contract's schema
 * before a run: what is wrong is said per field (nuisance row and field named).
 */
import {
  type InfernoNuisance,
  InfernoProjectConfig,
  InfernoProjectOptions,
} from '../../../shared/contract/inferno'

export type NuisanceKind = InfernoNuisance['kind']

export interface ProjectForm {
  name: string
  signal: string[]
  background: string[]
  region: string | null
  inputs: string[]
  nuisances: InfernoNuisance[]
  options: InfernoProjectOptions
}

export function defaultProjectForm(inputs: string[] = []): ProjectForm {
  return {
    name: '',
    signal: [],
    background: [],
    region: null,
    inputs: [...inputs],
    nuisances: [],
    options: InfernoProjectOptions.parse({}),
  }
}

/** A new nuisance row of `kind` with a free name and sensible defaults. */
export function newNuisance(
  kind: NuisanceKind,
  taken: readonly string[],
  inputs: readonly string[],
): InfernoNuisance {
  const base =
    kind === 'transform'
      ? 'shift'
      : kind === 'weight'
        ? 'syst'
        : kind === 'samples'
          ? 'var'
          : 'norm'
  let k = 1
  while (taken.includes(`${base}${k}`)) k++
  const name = `${base}${k}`
  if (kind === 'transform')
    return { kind, name, samples: [], input: inputs[0] ?? '', mode: 'shift', delta: 1, free: false }
  if (kind === 'weight')
    return { kind, name, samples: [], up: '1.1', down: '0.9', interpolation: 'code4p' }
  if (kind === 'samples')
    return { kind, name, samples: [], up: '', down: '', interpolation: 'code4p' }
  return { kind, name, samples: [], width: 0.1 }
}

export type Built = { ok: true; config: InfernoProjectConfig } | { ok: false; errors: string[] }

/** The config to send, or the problems, each naming the field (and nuisance row). */
export function buildProjectConfig(f: ProjectForm): Built {
  const r = InfernoProjectConfig.safeParse(JSON.parse(JSON.stringify(f)))
  if (r.success) {
    const missing = r.data.nuisances.filter(
      (n) => n.kind === 'transform' && !r.data.inputs.includes(n.input),
    )
    if (missing.length)
      return {
        ok: false,
        errors: missing.map(
          (n) => `nuisance '${n.name}': '${(n as { input: string }).input}' is not a chosen input`,
        ),
      }
    return { ok: true, config: r.data }
  }
  return {
    ok: false,
    errors: r.error.issues.map((i) => {
      const [head, idx, field] = i.path
      if (head === 'nuisances' && typeof idx === 'number') {
        const name = f.nuisances[idx]?.name || `row ${idx + 1}`
        return `nuisance '${name}'${field ? ` ${String(field)}` : ''}: ${i.message}`
      }
      return `${i.path.join('.') || 'set-up'}: ${i.message}`
    }),
  }
}
