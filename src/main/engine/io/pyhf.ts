/**
 * Reading pyhf JSON from disk: workspaces, patchsets (one object, or a JSON list of them as in
 * HEPData's patchsets_v1.json.gz) and plain RFC 6902 JSON Patch files, gzip or not (detected
 * by the magic bytes, not the name). Every error is an InputError naming the file, and the
 * JSON line for syntax errors.
 */
import { readFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { InputError, errorMessage } from './errors'
import {
  PatchError,
  applyJsonPatch,
  asPatchSets,
  getPatch,
  parseJsonPatch,
  type JsonPatch,
  type PatchSet,
} from '../stats/patch'
import { WorkspaceError, parseWorkspace, type Workspace } from '../stats/workspace'

/** Parses JSON text; a syntax error names the file and line. */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text)
  } catch (e) {
    const msg = errorMessage(e)
    const m = /position (\d+)/.exec(msg)
    const pos = m ? Number(m[1]) : jsonErrorOffset(text)
    if (pos >= 0) {
      const line = text.slice(0, pos).split('\n').length
      throw new InputError({ file, line }, `invalid JSON: ${msg}`)
    }
    throw new InputError({ file }, `invalid JSON: ${msg}`)
  }
}

/**
 * Offset of the first syntax error in `text` (−1 if none found): a validating scan used only
 * after JSON.parse failed, because Node 20's messages do not always carry the position.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++
  }
  class Bad extends Error {}
  const fail = (): never => {
    throw new Bad()
  }
  const value = (): void => {
    ws()
    const c = text[i]
    if (c === '{') {
      i++
      ws()
      if (text[i] === '}') return void i++
      for (;;) {
        ws()
        if (text[i] !== '"') fail()
        str()
        ws()
        if (text[i] !== ':') fail()
        i++
        value()
        ws()
        if (text[i] === ',') i++
        else if (text[i] === '}') return void i++
        else fail()
      }
    } else if (c === '[') {
      i++
      ws()
      if (text[i] === ']') return void i++
      for (;;) {
        value()
        ws()
        if (text[i] === ',') i++
        else if (text[i] === ']') return void i++
        else fail()
      }
    } else if (c === '"') str()
    else if (text.startsWith('true', i)) i += 4
    else if (text.startsWith('false', i)) i += 5
    else if (text.startsWith('null', i)) i += 4
    else {
      const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400))
      if (!m || m[0].length === 0) fail()
      i += m![0].length
    }
  }
  const str = (): void => {
    i++
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1
    if (i >= text.length) fail()
    i++
  }
  try {
    value()
    ws()
    return i < text.length ? i : -1
  } catch (e) {
    if (e instanceof Bad) return Math.min(i, text.length)
    throw e
  }
}

/** Reads a JSON file (plain or gzip). */
export async function readJsonFile(file: string): Promise<unknown> {
  let bytes: Buffer
  try {
    bytes = await readFile(file)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new InputError(
      { file },
      code === 'ENOENT' ? 'no such file' : `cannot read: ${errorMessage(e)}`,
    )
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes)
    } catch (e) {
      throw new InputError({ file }, `corrupt gzip data: ${errorMessage(e)}`)
    }
  }
  return parseJsonText(bytes.toString('utf8'), file)
}

/** Reads and validates a workspace; schema errors carry the file and the JSON path. */
export async function loadWorkspace(file: string): Promise<Workspace> {
  const json = await readJsonFile(file)
  try {
    return parseWorkspace(json)
  } catch (e) {
    if (e instanceof WorkspaceError) throw new InputError({ file }, e.message, { cause: e })
    throw e
  }
}

/** What a --patch argument resolved to. */
export interface LoadedPatch {
  file: string
  /** Patch name for a patchset, null for a plain JSON Patch file. */
  name: string | null
  patch: JsonPatch
}

/**
 * Splits `FILE[:NAME]`: the whole string when it names an existing file (paths may contain
 * ':'), otherwise at the last ':'.
 */
export function splitPatchSpec(spec: string): { file: string; name: string | null } {
  if (existsSync(spec)) return { file: spec, name: null }
  const i = spec.lastIndexOf(':')
  if (i > 0 && !/[\\/]/.test(spec.slice(i + 1)))
    return { file: spec.slice(0, i), name: spec.slice(i + 1) }
  return { file: spec, name: null }
}

/** Patchsets in a file (an object or a list of them); [] for a plain JSON Patch. */
function patchSetsOf(json: unknown, file: string): PatchSet[] | null {
  try {
    return asPatchSets(json)
  } catch (e) {
    if (e instanceof PatchError) throw new InputError({ file }, e.message, { cause: e })
    throw e
  }
}

/** Names of the patches in a patchset file. */
export async function listPatchNames(file: string): Promise<string[]> {
  const sets = patchSetsOf(await readJsonFile(file), file)
  if (!sets) throw new InputError({ file }, 'not a pyhf patchset (no "patches" and "metadata")')
  return sets.flatMap((s) => s.patches.map((p) => p.metadata.name))
}

/** Loads the patch a `--patch FILE[:NAME]` argument names. */
export async function loadPatch(spec: string): Promise<LoadedPatch> {
  const { file, name } = splitPatchSpec(spec)
  const json = await readJsonFile(file)
  const sets = patchSetsOf(json, file)
  if (sets) {
    const all = sets.flatMap((s) => s.patches.map((p) => p.metadata.name))
    if (name === null) {
      if (all.length === 1) return { file, name: all[0], patch: sets[0].patches[0].patch }
      throw new InputError(
        { file },
        `a patchset with ${all.length} patches: pick one with ${file}:NAME (e.g. ${all.slice(0, 3).join(', ')})`,
      )
    }
    for (const s of sets) {
      if (s.patches.some((p) => p.metadata.name === name))
        return { file, name, patch: getPatch(s, name) }
    }
    try {
      getPatch(sets[0], name)
    } catch (e) {
      throw new InputError(
        { file },
        `${errorMessage(e)}${sets.length > 1 ? ` (and ${sets.length - 1} more patchsets)` : ''}`,
      )
    }
  }
  if (name !== null)
    throw new InputError(
      { file },
      `'${name}' was asked for, but the file is a plain JSON Patch, not a patchset`,
    )
  try {
    return { file, name: null, patch: parseJsonPatch(json) }
  } catch (e) {
    if (e instanceof PatchError) throw new InputError({ file }, e.message, { cause: e })
    throw e
  }
}

/** Reads a workspace and applies an optional patch; errors say which file is at fault. */
export async function loadPatchedWorkspace(file: string, patchSpec?: string): Promise<Workspace> {
  if (!patchSpec) return loadWorkspace(file)
  const json = await readJsonFile(file)
  const patch = await loadPatch(patchSpec)
  let patched: unknown
  try {
    patched = applyJsonPatch(json, patch.patch)
  } catch (e) {
    const what = patch.name ? `patch '${patch.name}'` : 'the patch'
    throw new InputError(
      { file: patch.file },
      `${what} does not apply to ${file}: ${errorMessage(e)}`,
      { cause: e },
    )
  }
  try {
    return parseWorkspace(patched)
  } catch (e) {
    if (e instanceof WorkspaceError) {
      throw new InputError(
        { file },
        `after applying ${patch.file}${patch.name ? `:${patch.name}` : ''}: ${e.message}`,
        { cause: e },
      )
    }
    throw e
  }
}
