/**
 * Where a CSV file's rows start, so that partitions of it are byte ranges on row bounds
 * (DESIGN.md §10) and a pass reads one partition's bytes at a time instead of the whole file.
 *
 * A CSV row may span lines (a quoted field with a newline in it), so a row start cannot be
 * found by seeking to a byte and looking for the next newline: from the middle of a file one
 * cannot tell whether a newline is inside quotes. The starts are found instead by the very
 * tokenizer the reader uses, run once from the top of the file: its state at a row end is
 * "start of a row", exactly the state a reader starting at that byte is in, so quoted newlines
 * are handled, not refused. The scan is fed latin1 text (one character per byte: offsets are
 * byte offsets); the characters that delimit rows and fields are ASCII, which UTF-8 never uses
 * inside a multi-byte character, so rows split the same as in the UTF-8 reading.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { JobContext } from '../jobs/context'
import { Tokenizer } from './csv-tokenizer'
import { InputError, errorMessage, libraryReason } from './errors'
import type { EntryRange } from './schema'

/** Row starts found lately, by file, size, modification time and rows asked (a few plans). */
const found = new Map<string, Map<number, { byte: number; line: number }>>()
const FOUND_MAX = 32

/**
 * `ranges` (consecutive rows of the file's data, the header not counted) with the bytes each
 * lies in: from the end of the row before its first row (the header for row 0) to the end of
 * the row before the next range's first row; the last range ends at the end of the file.
 */
export async function csvByteRanges(
  path: string,
  ranges: readonly EntryRange[],
  ctx: JobContext,
): Promise<EntryRange[]> {
  let size: number
  let key: string
  try {
    const st = await stat(path)
    size = st.size
    key = `${path}\0${st.size}\0${st.mtimeMs}\0`
  } catch (e) {
    throw new InputError({ file: path }, `cannot open: ${libraryReason(e)}`, { cause: e })
  }
  const wanted = [...new Set(ranges.map((r) => r.start))].sort((a, b) => a - b)
  key += wanted.join(',')
  // Every pass plans its partitions again (its columns size them): the same cuts of an
  // unchanged file are not scanned for twice.
  const starts = found.get(key) ?? (await scanStarts(path, wanted, size, ctx))
  found.delete(key)
  found.set(key, starts)
  if (found.size > FOUND_MAX) found.delete(found.keys().next().value as string)
  return ranges.map((r, i) => {
    const at = starts.get(r.start) as { byte: number; line: number }
    const next = ranges[i + 1]
    const stop = next ? (starts.get(next.start) as { byte: number }).byte : size
    return { start: r.start, stop: r.stop, bytes: { start: at.byte, stop, line: at.line } }
  })
}

/** Where data rows `wanted` (ascending) start: one tokenizer scan from the top of the file. */
async function scanStarts(
  path: string,
  wanted: readonly number[],
  size: number,
  ctx: JobContext,
): Promise<Map<number, { byte: number; line: number }>> {
  const starts = new Map<number, { byte: number; line: number }>()
  let k = 0
  /** Data rows handed out so far; -1 until the header is. */
  let rows = -1
  const tok = new Tokenizer(() => {
    rows++
    while (k < wanted.length && wanted[k] === rows)
      starts.set(wanted[k++], { byte: tok.rowEnd, line: tok.line })
    return k < wanted.length
  })
  const stream = createReadStream(path, { highWaterMark: 1 << 20 })
  let read = 0
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      ctx.throwIfCancelled()
      read += chunk.length
      if (!tok.feed(chunk.toString('latin1'), false)) break
      ctx.progress(read / size, 'indexing CSV')
    }
    if (k < wanted.length) tok.feed('', true)
  } catch (e) {
    if (e instanceof Error && e.name === 'CancelledError') throw e
    throw new InputError({ file: path, line: tok.line }, errorMessage(e), { cause: e })
  } finally {
    stream.destroy()
  }
  // Starts at or past the last row: the end of the file (empty ranges).
  for (; k < wanted.length; k++) starts.set(wanted[k], { byte: size, line: tok.line })
  return starts
}
