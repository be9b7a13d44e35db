/**
 * The pyhf JSON workspace (schema 1.0.0): channels of samples with modifiers, observations and
 * measurements. `parseWorkspace` checks both the structure (zod) and what the schema cannot say
 * (bin counts agree, every channel has observations, names are unique, the POI exists), and
 * every error names the JSON path of the problem, e.g.
 * `channels[0].samples[2].modifiers[1].data.hi_data: expected array of 3 numbers, got 2`.
 */
import { z } from 'zod'

const finite = z.number().refine(Number.isFinite, 'expected a finite number')
const numbers = z.array(finite)

const normfactor = z.object({
  name: z.string().min(1),
  type: z.literal('normfactor'),
  data: z.null(),
})
const shapefactor = z.object({
  name: z.string().min(1),
  type: z.literal('shapefactor'),
  data: z.null(),
})
const lumi = z.object({ name: z.string().min(1), type: z.literal('lumi'), data: z.null() })
const normsys = z.object({
  name: z.string().min(1),
  type: z.literal('normsys'),
  data: z.object({ hi: finite, lo: finite }),
})
const histosys = z.object({
  name: z.string().min(1),
  type: z.literal('histosys'),
  data: z.object({ hi_data: numbers, lo_data: numbers }),
})
const shapesys = z.object({ name: z.string().min(1), type: z.literal('shapesys'), data: numbers })
const staterror = z.object({
  name: z.string().min(1),
  type: z.literal('staterror'),
  data: numbers,
})

export const modifierSchema = z.discriminatedUnion('type', [
  normfactor,
  shapefactor,
  lumi,
  normsys,
  histosys,
  shapesys,
  staterror,
])

export const sampleSchema = z.object({
  name: z.string().min(1),
  data: numbers.min(1),
  modifiers: z.array(modifierSchema),
})

export const channelSchema = z.object({
  name: z.string().min(1),
  samples: z.array(sampleSchema).min(1),
})

export const parameterConfigSchema = z.object({
  name: z.string().min(1),
  inits: numbers.min(1).optional(),
  bounds: z
    .array(z.tuple([finite, finite]))
    .min(1)
    .optional(),
  auxdata: numbers.min(1).optional(),
  factors: numbers.min(1).optional(),
  sigmas: numbers.min(1).optional(),
  fixed: z.boolean().optional(),
})

export const measurementSchema = z.object({
  name: z.string().min(1),
  config: z.object({
    poi: z.string().min(1),
    parameters: z.array(parameterConfigSchema),
  }),
})

export const observationSchema = z.object({ name: z.string().min(1), data: numbers })

export const workspaceSchema = z.object({
  channels: z.array(channelSchema).min(1),
  observations: z.array(observationSchema),
  measurements: z.array(measurementSchema).min(1),
  version: z.literal('1.0.0'),
})

export type Modifier = z.infer<typeof modifierSchema>
export type ModifierType = Modifier['type']
export type Sample = z.infer<typeof sampleSchema>
export type Channel = z.infer<typeof channelSchema>
export type ParameterConfig = z.infer<typeof parameterConfigSchema>
export type Measurement = z.infer<typeof measurementSchema>
export type Observation = z.infer<typeof observationSchema>
export type Workspace = z.infer<typeof workspaceSchema>

/** Bad workspace content; `path` is the JSON path of the first problem ("" for the root). */
export class WorkspaceError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(path ? `${path}: ${reason}` : reason)
    this.name = 'WorkspaceError'
  }
}

/** `channels[0].samples[2].data` from a zod/array path. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else out += out ? `.${String(key)}` : String(key)
  }
  return out
}

function describe(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  return typeof v
}

/** Walks `value` along `path` (for saying what was found where zod only says what was wanted). */
function at(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined
    v = (v as Record<PropertyKey, unknown>)[k]
  }
  return v
}

/** Turns the first zod issue into a WorkspaceError with a readable reason. */
export function zodToWorkspaceError(error: z.ZodError, input: unknown): WorkspaceError {
  const issue = error.issues[0]
  const path = issue.path
  const found = at(input, path)
  let reason = issue.message
  if (issue.code === 'invalid_type') {
    reason = `expected ${issue.expected}, got ${found === undefined ? 'nothing' : describe(found)}`
  } else if (issue.code === 'invalid_union' && path[path.length - 1] !== 'type') {
    const type = (found as { type?: unknown } | undefined)?.type
    if (found && typeof found === 'object' && 'type' in found) {
      reason = `unknown modifier type ${JSON.stringify(type)} (expected normfactor, shapefactor, lumi, normsys, histosys, shapesys or staterror)`
    }
  } else if (issue.code === 'invalid_value') {
    reason = `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${JSON.stringify(found)}`
  }
  return new WorkspaceError(formatJsonPath(path), reason)
}

function binCount(path: string, expected: number, got: readonly number[]): void {
  if (got.length !== expected) {
    throw new WorkspaceError(path, `expected array of ${expected} numbers, got ${got.length}`)
  }
}

/**
 * Validates an untrusted JSON value as a pyhf workspace and returns it typed.
 * Throws WorkspaceError naming the JSON path of the first problem.
 */
export function parseWorkspace(input: unknown): Workspace {
  const parsed = workspaceSchema.safeParse(input)
  if (!parsed.success) throw zodToWorkspaceError(parsed.error, input)
  const ws = parsed.data
  checkConsistency(ws)
  return ws
}

function checkConsistency(ws: Workspace): void {
  const channelNames = new Set<string>()
  const nbins = new Map<string, number>()
  ws.channels.forEach((ch, c) => {
    if (channelNames.has(ch.name)) {
      throw new WorkspaceError(`channels[${c}].name`, `duplicate channel name '${ch.name}'`)
    }
    channelNames.add(ch.name)
    const n = ch.samples[0].data.length
    nbins.set(ch.name, n)
    const sampleNames = new Set<string>()
    ch.samples.forEach((s, si) => {
      const sp = `channels[${c}].samples[${si}]`
      if (sampleNames.has(s.name)) {
        throw new WorkspaceError(
          `${sp}.name`,
          `duplicate sample name '${s.name}' in channel '${ch.name}'`,
        )
      }
      sampleNames.add(s.name)
      binCount(`${sp}.data`, n, s.data)
      const modKeys = new Set<string>()
      s.modifiers.forEach((m, mi) => {
        const mp = `${sp}.modifiers[${mi}]`
        const key = `${m.type}/${m.name}`
        if (modKeys.has(key)) {
          throw new WorkspaceError(
            mp,
            `modifier ${m.type} '${m.name}' appears twice on this sample`,
          )
        }
        modKeys.add(key)
        if (m.type === 'histosys') {
          binCount(`${mp}.data.hi_data`, n, m.data.hi_data)
          binCount(`${mp}.data.lo_data`, n, m.data.lo_data)
        } else if (m.type === 'shapesys' || m.type === 'staterror') {
          binCount(`${mp}.data`, n, m.data)
          m.data.forEach((u, b) => {
            if (u < 0)
              throw new WorkspaceError(`${mp}.data[${b}]`, `uncertainty must be ≥ 0, got ${u}`)
          })
        } else if (m.type === 'normsys') {
          if (!(m.data.hi > 0) || !(m.data.lo > 0)) {
            throw new WorkspaceError(
              `${mp}.data`,
              `normsys factors must be > 0, got hi ${m.data.hi}, lo ${m.data.lo}`,
            )
          }
        }
      })
    })
  })
  const seen = new Set<string>()
  ws.observations.forEach((o, i) => {
    const n = nbins.get(o.name)
    // Observations of channels a patch removed (HEPData signal patches drop validation
    // regions) are allowed and ignored, as pyhf does.
    if (n === undefined) return
    if (seen.has(o.name)) {
      throw new WorkspaceError(`observations[${i}].name`, `duplicate observation '${o.name}'`)
    }
    seen.add(o.name)
    binCount(`observations[${i}].data`, n, o.data)
    o.data.forEach((v, b) => {
      if (v < 0)
        throw new WorkspaceError(
          `observations[${i}].data[${b}]`,
          `observed count must be ≥ 0, got ${v}`,
        )
    })
  })
  for (const name of channelNames) {
    if (!seen.has(name))
      throw new WorkspaceError('observations', `no observation for channel '${name}'`)
  }
  const measNames = new Set<string>()
  ws.measurements.forEach((m, i) => {
    if (measNames.has(m.name)) {
      throw new WorkspaceError(`measurements[${i}].name`, `duplicate measurement '${m.name}'`)
    }
    measNames.add(m.name)
    m.config.parameters.forEach((p, j) => {
      const pp = `measurements[${i}].config.parameters[${j}]`
      p.bounds?.forEach(([lo, hi], k) => {
        if (!(lo <= hi))
          throw new WorkspaceError(
            `${pp}.bounds[${k}]`,
            `lower bound ${lo} above upper bound ${hi}`,
          )
      })
      p.sigmas?.forEach((s, k) => {
        if (!(s > 0)) throw new WorkspaceError(`${pp}.sigmas[${k}]`, `sigma must be > 0, got ${s}`)
      })
    })
  })
}

/** The measurement called `name`, or the first one. */
export function getMeasurement(ws: Workspace, name?: string): Measurement {
  if (name === undefined) return ws.measurements[0]
  const m = ws.measurements.find((x) => x.name === name)
  if (!m) {
    throw new WorkspaceError(
      'measurements',
      `no measurement '${name}' (available: ${ws.measurements.map((x) => x.name).join(', ')})`,
    )
  }
  return m
}
