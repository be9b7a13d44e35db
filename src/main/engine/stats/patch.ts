/**
 * RFC 6902 JSON Patch (add, remove, replace, move, copy, test) and pyhf patchsets (a list of
 * named patches for one background-only workspace, as HEPData ships signal grids). Patches are
 * applied to a deep copy; the input document is never changed. Every failure says which
 * operation (index, op, path) did not apply and why.
 */
import { z } from 'zod'
import { formatJsonPath } from './workspace'

export const patchOperationSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('add'), path: z.string(), value: z.unknown() }),
  z.object({ op: z.literal('remove'), path: z.string() }),
  z.object({ op: z.literal('replace'), path: z.string(), value: z.unknown() }),
  z.object({ op: z.literal('move'), from: z.string(), path: z.string() }),
  z.object({ op: z.literal('copy'), from: z.string(), path: z.string() }),
  z.object({ op: z.literal('test'), path: z.string(), value: z.unknown() }),
])
export const jsonPatchSchema = z.array(patchOperationSchema)

export const patchSetSchema = z.object({
  metadata: z.looseObject({
    description: z.string().optional(),
    digests: z.record(z.string(), z.string()),
    labels: z.array(z.string()),
    references: z.record(z.string(), z.string()).optional(),
  }),
  version: z.string(),
  patches: z.array(
    z.object({
      metadata: z.looseObject({ name: z.string().min(1), values: z.array(z.unknown()) }),
      patch: jsonPatchSchema,
    }),
  ),
})

export type PatchOperation = z.infer<typeof patchOperationSchema>
export type JsonPatch = PatchOperation[]
export type PatchSet = z.infer<typeof patchSetSchema>

export class PatchError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PatchError'
  }
}

/** Splits a JSON pointer ("/channels/0/samples/-") into unescaped tokens. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return []
  if (!pointer.startsWith('/'))
    throw new PatchError(`JSON pointer must start with '/': '${pointer}'`)
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'))
}

type Container = Record<string, unknown> | unknown[]

function isContainer(v: unknown): v is Container {
  return v !== null && typeof v === 'object'
}

function arrayIndex(tokens: string[], i: number, arr: unknown[], allowEnd: boolean): number {
  const t = tokens[i]
  if (allowEnd && t === '-') return arr.length
  if (!/^(0|[1-9][0-9]*)$/.test(t)) {
    throw new PatchError(`'${t}' is not an array index at /${tokens.slice(0, i).join('/')}`)
  }
  const k = Number(t)
  const max = allowEnd ? arr.length : arr.length - 1
  if (k > max) {
    throw new PatchError(
      `index ${k} out of range at /${tokens.slice(0, i).join('/')} (array has ${arr.length} elements)`,
    )
  }
  return k
}

/** The parent container of the pointer's target and the last token. */
function parentOf(doc: unknown, tokens: string[]): Container {
  let v: unknown = doc
  for (let i = 0; i < tokens.length - 1; i++) {
    const t = tokens[i]
    if (Array.isArray(v)) v = v[arrayIndex(tokens, i, v, false)]
    else if (isContainer(v) && Object.prototype.hasOwnProperty.call(v, t))
      v = (v as Record<string, unknown>)[t]
    else throw new PatchError(`path not found: /${tokens.slice(0, i + 1).join('/')}`)
  }
  if (!isContainer(v)) {
    throw new PatchError(
      `path not found: /${tokens.slice(0, -1).join('/')} is not an object or array`,
    )
  }
  return v
}

function getAt(doc: unknown, tokens: string[]): unknown {
  if (tokens.length === 0) return doc
  const parent = parentOf(doc, tokens)
  const last = tokens[tokens.length - 1]
  if (Array.isArray(parent)) return parent[arrayIndex(tokens, tokens.length - 1, parent, false)]
  if (!Object.prototype.hasOwnProperty.call(parent, last)) {
    throw new PatchError(`path not found: /${tokens.join('/')}`)
  }
  return (parent as Record<string, unknown>)[last]
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]))
  }
  if (isContainer(a) && isContainer(b) && !Array.isArray(b)) {
    const ka = Object.keys(a)
    const kb = Object.keys(b)
    return (
      ka.length === kb.length &&
      ka.every(
        (k) =>
          Object.prototype.hasOwnProperty.call(b, k) &&
          deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
      )
    )
  }
  return false
}

/** Applies one operation in place; returns the (possibly replaced) document root. */
function applyOne(doc: unknown, op: PatchOperation): unknown {
  switch (op.op) {
    case 'add':
      return addAt(doc, parsePointer(op.path), structuredClone(op.value))
    case 'remove':
      removeAt(doc, parsePointer(op.path))
      return doc
    case 'replace': {
      const tokens = parsePointer(op.path)
      if (tokens.length === 0) return structuredClone(op.value)
      getAt(doc, tokens) // must exist
      const parent = parentOf(doc, tokens)
      const last = tokens[tokens.length - 1]
      if (Array.isArray(parent))
        parent[arrayIndex(tokens, tokens.length - 1, parent, false)] = structuredClone(op.value)
      else (parent as Record<string, unknown>)[last] = structuredClone(op.value)
      return doc
    }
    case 'move': {
      const from = parsePointer(op.from)
      const to = parsePointer(op.path)
      if (to.length > from.length && from.every((t, i) => t === to[i])) {
        throw new PatchError(`cannot move ${op.from} into its own child ${op.path}`)
      }
      const value = getAt(doc, from)
      removeAt(doc, from)
      return addAt(doc, to, value)
    }
    case 'copy':
      return addAt(doc, parsePointer(op.path), structuredClone(getAt(doc, parsePointer(op.from))))
    case 'test': {
      const actual = getAt(doc, parsePointer(op.path))
      if (!deepEqual(actual, op.value)) {
        throw new PatchError(
          `test failed: value at ${op.path} is ${JSON.stringify(actual)?.slice(0, 80)}, expected ${JSON.stringify(op.value)?.slice(0, 80)}`,
        )
      }
      return doc
    }
  }
}

function addAt(doc: unknown, tokens: string[], value: unknown): unknown {
  if (tokens.length === 0) return value
  const parent = parentOf(doc, tokens)
  const last = tokens[tokens.length - 1]
  if (Array.isArray(parent))
    parent.splice(arrayIndex(tokens, tokens.length - 1, parent, true), 0, value)
  else (parent as Record<string, unknown>)[last] = value
  return doc
}

function removeAt(doc: unknown, tokens: string[]): void {
  if (tokens.length === 0) throw new PatchError('cannot remove the whole document')
  const parent = parentOf(doc, tokens)
  const last = tokens[tokens.length - 1]
  if (Array.isArray(parent)) parent.splice(arrayIndex(tokens, tokens.length - 1, parent, false), 1)
  else if (Object.prototype.hasOwnProperty.call(parent, last))
    delete (parent as Record<string, unknown>)[last]
  else throw new PatchError(`path not found: /${tokens.join('/')}`)
}

/** Validates an untrusted value as an RFC 6902 patch (array of operations). */
export function parseJsonPatch(input: unknown): JsonPatch {
  const r = jsonPatchSchema.safeParse(input)
  if (!r.success) {
    const issue = r.error.issues[0]
    throw new PatchError(
      `invalid JSON Patch at ${formatJsonPath(issue.path) || 'root'}: ${issue.message}`,
    )
  }
  return r.data
}

/**
 * Copies (shallowly) the containers from the root down to the parent of `tokens`' target that
 * are not copies already (`owned`), so an operation there changes only copies; returns the root.
 * Stops where the path does not exist: the operation itself then reports it.
 */
function ownPath(root: unknown, tokens: string[], owned: WeakSet<object>): unknown {
  const copy = (v: unknown): unknown => {
    if (!isContainer(v) || owned.has(v)) return v
    const c: Container = Array.isArray(v) ? v.slice() : { ...v }
    owned.add(c)
    return c
  }
  const top = copy(root)
  let v = top
  for (let i = 0; i < tokens.length - 1 && isContainer(v); i++) {
    const t = tokens[i]
    if (Array.isArray(v)) {
      if (!/^(0|[1-9][0-9]*)$/.test(t) || Number(t) >= v.length) break
      v = v[Number(t)] = copy(v[Number(t)])
    } else {
      if (!Object.prototype.hasOwnProperty.call(v, t)) break
      const o = v as Record<string, unknown>
      v = o[t] = copy(o[t])
    }
  }
  return top
}

export interface ApplyPatchOptions {
  /**
   * Share what the patch does not touch with `doc` (path copying: only the containers on each
   * operation's path are copied) instead of deep-copying it first. `doc` is still never
   * changed, but the result's untouched parts are `doc`'s own: for a result that is only read
   * (validated and compiled), as the signal grid does once per point on one workspace.
   */
  share?: boolean
}

/**
 * Applies `patch` to a deep copy of `doc` and returns the copy. Throws PatchError naming the
 * first operation that does not apply, e.g. `patch operation 3 (add /channels/9/samples/0):
 * path not found: /channels/9`.
 */
export function applyJsonPatch<T = unknown>(
  doc: unknown,
  patch: JsonPatch,
  options: ApplyPatchOptions = {},
): T {
  const owned = new WeakSet<object>()
  let out: unknown = options.share ? doc : structuredClone(doc)
  patch.forEach((op, i) => {
    try {
      if (options.share && op.op !== 'test') {
        out = ownPath(out, parsePointer(op.path), owned)
        if (op.op === 'move') out = ownPath(out, parsePointer(op.from), owned)
      }
      out = applyOne(out, op)
    } catch (e) {
      const where = op.op === 'move' || op.op === 'copy' ? `${op.from} → ${op.path}` : op.path
      throw new PatchError(`patch operation ${i} (${op.op} ${where}): ${(e as Error).message}`)
    }
  })
  return out as T
}

export function isPatchSet(input: unknown): boolean {
  return isContainer(input) && !Array.isArray(input) && 'patches' in input && 'metadata' in input
}

/** Validates an untrusted value as a pyhf patchset. */
export function parsePatchSet(input: unknown): PatchSet {
  const r = patchSetSchema.safeParse(input)
  if (!r.success) {
    const issue = r.error.issues[0]
    throw new PatchError(
      `invalid patchset at ${formatJsonPath(issue.path) || 'root'}: ${issue.message}`,
    )
  }
  const names = new Set<string>()
  r.data.patches.forEach((p, i) => {
    if (names.has(p.metadata.name)) {
      throw new PatchError(
        `invalid patchset at patches[${i}].metadata.name: duplicate patch '${p.metadata.name}'`,
      )
    }
    names.add(p.metadata.name)
  })
  return r.data
}

/** Names and label values of the patches, in file order. */
export function listPatches(ps: PatchSet): { name: string; values: unknown[] }[] {
  return ps.patches.map((p) => ({ name: p.metadata.name, values: p.metadata.values }))
}

/**
 * Orders signal points by their labelled values (the patchset's `labels`, e.g. m1, m2), numbers
 * numerically: 150_0 before 1000_0, which a text sort puts the other way round. Values compared
 * in label order; a number before text, text in natural order ("m2" < "m10"); ties by name.
 */
export function compareSignalPoints(
  a: { name: string; values: readonly unknown[] },
  b: { name: string; values: readonly unknown[] },
): number {
  const natural = (x: string, y: string) =>
    x.localeCompare(y, 'en', { numeric: true, sensitivity: 'base' })
  for (let i = 0; i < Math.max(a.values.length, b.values.length); i++) {
    const x = a.values[i]
    const y = b.values[i]
    const nx = typeof x === 'number' && Number.isFinite(x)
    const ny = typeof y === 'number' && Number.isFinite(y)
    const d = nx && ny ? x - y : nx ? -1 : ny ? 1 : natural(String(x ?? ''), String(y ?? ''))
    if (d !== 0) return d
  }
  return natural(a.name, b.name)
}

/** The patch called `name`; the error lists a few of the names that exist. */
export function getPatch(ps: PatchSet, name: string): JsonPatch {
  const p = ps.patches.find((x) => x.metadata.name === name)
  if (!p) {
    const names = ps.patches.map((x) => x.metadata.name)
    const shown =
      names.slice(0, 8).join(', ') + (names.length > 8 ? `, … (${names.length} in all)` : '')
    throw new PatchError(`no patch named '${name}' in the patchset (patches: ${shown})`)
  }
  return p.patch
}

/**
 * The patchsets in a parsed JSON value: one patchset, or a non-empty list of them (as some
 * HEPData records ship); null when the value is neither (e.g. a plain JSON Patch).
 */
export function asPatchSets(json: unknown): PatchSet[] | null {
  if (isPatchSet(json)) return [parsePatchSet(json)]
  if (Array.isArray(json) && json.length > 0 && json.every(isPatchSet))
    return json.map((x) => parsePatchSet(x))
  return null
}
