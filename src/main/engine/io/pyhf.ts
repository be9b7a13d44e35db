/**
 * Reading pyhf JSON from disk: workspaces, patchsets (one object, or a JSON list of them as in
 * HEPData's patchsets_v1.json.gz) and plain RFC 6902 JSON Patch files, gzip or not (detected
 * by the magic bytes, not the name). Every error is an InputError naming the file, and the
 * JSON line and column for syntax errors.
 *
 * Input is bounded (JsonLimits): a file larger than the bound, or gzip data that inflates past
 * it (a "zip bomb", /dev/zero), stops being read at the bound with an error naming it. Error
 * messages never quote the file's bytes: the engine can be asked to read any path (browser
 * mode), and an error must not become a way to read /etc/passwd.
 */
import { open } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'
import { jsonSyntaxProblem } from './json-file'
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

/** Size bounds of a JSON input file, in bytes. */
export interface JsonLimits {
  /** Bytes of a gzip file on disk. */
  compressed: number
  /** Bytes of JSON text: a plain file's size, or what gzip data inflates to. */
  inflated: number
}

/**
 * The default bounds: 64 MiB of gzip, 256 MiB of JSON text (published HEPData likelihoods and
 * patchsets are a few MB to tens of MB; V8 cannot hold a string over 512 MiB anyway).
 */
export const JSON_LIMITS: JsonLimits = { compressed: 64 * 2 ** 20, inflated: 256 * 2 ** 20 }

/** "256 MiB", "1.5 KiB", "300 bytes". */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB']
  let u = 0
  let v = n
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024
    u++
  }
  return `${u === 0 ? v : Number(v.toPrecision(3))} ${units[u]}`
}

/**
 * Parses JSON text; a syntax error names the file, line and column and says what is wrong in
 * words, never quoting the text (V8's messages quote it: `Unexpected token 'r', "root:x:0:0"…`).
 */
export function parseJsonText(text: string, file: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text // a UTF-8 byte-order mark
  try {
    return JSON.parse(body)
  } catch (e) {
    const msg = errorMessage(e)
    const m = /position (\d+)/.exec(msg)
    // Node 20's messages do not always carry the position: then the validating scan finds it.
    const pos = m ? Number(m[1]) : (jsonSyntaxProblem(body)?.offset ?? -1)
    const reason = `not valid JSON: ${syntaxReason(msg, body, pos)}`
    if (pos >= 0) {
      const before = body.slice(0, pos)
      const line = before.split('\n').length
      const column = pos - before.lastIndexOf('\n')
      throw new InputError({ file, line }, `${reason} (column ${column})`)
    }
    throw new InputError({ file }, reason)
  }
}

/** What a JSON.parse failure means, in words of our own (V8's may quote the text). */
function syntaxReason(msg: string, text: string, pos: number): string {
  if (text.trim() === '') return 'the file is empty'
  if (/end of JSON input/i.test(msg) || pos >= text.length) return 'unexpected end (truncated?)'
  if (/Unterminated string/i.test(msg)) return 'a string is not closed'
  if (/control character/i.test(msg)) return 'a control character inside a string'
  if (/escape|Unicode/i.test(msg)) return 'a bad escape sequence in a string'
  if (/after JSON/i.test(msg)) return 'more content after the JSON value'
  if (/property name/i.test(msg)) return 'expected a property name in double quotes'
  if (/after property value/i.test(msg)) return "expected ',' or '}' after a property value"
  if (/after array element/i.test(msg)) return "expected ',' or ']' after an array element"
  if (/Expected ':'/i.test(msg)) return "expected ':' after a property name"
  if (/number|exponent|fraction|minus/i.test(msg)) return 'a malformed number'
  return 'unexpected character'
}

/** Why a file could not be opened or read, in words (fs messages carry codes and syscalls). */
function readFailure(file: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code
  const reason =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EISDIR'
        ? 'is a directory, not a file'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : `cannot read: ${errorMessage(e)}`
  return new InputError({ file }, reason, { cause: e })
}

/**
 * The bytes of `file`, at most `limits.compressed` for gzip data and `limits.inflated` for
 * anything else: reading stops one chunk past the bound, so /dev/zero or a FIFO ends quickly.
 */
async function readBounded(file: string, limits: JsonLimits): Promise<Buffer> {
  let fh
  try {
    fh = await open(file, 'r')
  } catch (e) {
    throw readFailure(file, e)
  }
  try {
    const st = await fh.stat()
    if (st.isDirectory()) throw new InputError({ file }, 'is a directory, not a file')
    const chunks: Buffer[] = []
    let total = 0
    let limit = limits.inflated
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1 << 20, limit + 1 - total))
      const { bytesRead } = await fh.read(buf, 0, buf.length, null)
      if (bytesRead === 0) break
      if (total === 0 && bytesRead >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
        limit = limits.compressed
        if (st.isFile() && st.size > limit) break
      } else if (total === 0 && st.isFile() && st.size > limit) {
        total = st.size
        break
      }
      chunks.push(buf.subarray(0, bytesRead))
      total += bytesRead
      if (total > limit) break
    }
    if (total > limit || (st.isFile() && st.size > limit)) {
      const what = limit === limits.compressed && limit !== limits.inflated ? 'gzip file' : 'file'
      throw new InputError(
        { file },
        `too large: a JSON ${what} may have at most ${formatBytes(limit)}${st.isFile() ? ` (it has ${formatBytes(Math.max(st.size, total))})` : '; reading stopped there'}`,
      )
    }
    return Buffer.concat(chunks, total)
  } catch (e) {
    if (e instanceof InputError) throw e
    throw readFailure(file, e)
  } finally {
    await fh.close()
  }
}

/** Inflates gzip data, stopping as soon as the output passes `limit` bytes. */
function gunzipBounded(bytes: Buffer, file: string, limit: number): Buffer {
  try {
    return gunzipSync(bytes, { maxOutputLength: limit })
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new InputError(
        { file },
        `gzip data inflates to more than ${formatBytes(limit)}, the most a JSON file may have; reading stopped there`,
      )
    }
    const msg = errorMessage(e)
    const reason = /unexpected end/i.test(msg)
      ? 'truncated gzip data'
      : `corrupt gzip data (${msg})`
    throw new InputError({ file }, reason, { cause: e })
  }
}

/** Reads a JSON file (plain or gzip), within `limits` (default JSON_LIMITS). */
export async function readJsonFile(file: string, limits = JSON_LIMITS): Promise<unknown> {
  let bytes = await readBounded(file, limits)
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b)
    bytes = gunzipBounded(bytes, file, limits.inflated)
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

/** The patchsets in a patchset file (one, or a list of them as HEPData ships). */
export async function loadPatchSets(file: string): Promise<PatchSet[]> {
  const sets = patchSetsOf(await readJsonFile(file), file)
  if (!sets) throw new InputError({ file }, 'not a pyhf patchset (no "patches" and "metadata")')
  return sets
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
  return patchWorkspace(await readJsonFile(file), file, await loadPatch(patchSpec))
}

/**
 * Applies `patch` to the workspace JSON read from `file` (left unchanged) and validates the
 * result; errors say which file is at fault. The signal grid calls it once per point on a
 * workspace read once.
 */
export function patchWorkspace(json: unknown, file: string, patch: LoadedPatch): Workspace {
  let patched: unknown
  try {
    // Only read (validated into a new object) after: share what the patch leaves alone.
    patched = applyJsonPatch(json, patch.patch, { share: true })
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
