/**
 * Content hash of an event file: identifies a file's bytes independently of its path, so cached
 * columns stay valid when a project moves and become invalid when the file is rewritten.
 * SHA-256 streamed in 4 MiB blocks (OpenSSL, ~1 GB/s); size + mtime are remembered beside the
 * hash so an unchanged file is not read again (`HashMemo`).
 */
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { JobContext } from '../jobs/context'

/** Hex SHA-256 of a file's content (reads the whole file once). */
export async function hashFile(path: string, ctx?: JobContext): Promise<string> {
  const h = createHash('sha256')
  const size = ctx ? (await stat(path)).size : 0
  let done = 0
  const stream = createReadStream(path, { highWaterMark: 4 << 20 })
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      ctx?.throwIfCancelled()
      h.update(chunk)
      done += chunk.length
      if (ctx && size) ctx.progress(done / size, 'hashing')
    }
  } finally {
    stream.destroy()
  }
  return h.digest('hex')
}

/** What identifies an unchanged file cheaply. */
export interface FileStamp {
  readonly size: number
  readonly mtimeMs: number
}

export interface HashRecord extends FileStamp {
  readonly hash: string
}

/**
 * Remembers hashes by path with the size and mtime they were computed for: `hash(path)` re-reads
 * the file only when either changed. `records` can be saved and restored (the column cache keeps
 * them on disk).
 */
export class HashMemo {
  private readonly byPath = new Map<string, HashRecord>()

  constructor(records: Iterable<[string, HashRecord]> = []) {
    for (const [p, r] of records) this.byPath.set(p, r)
  }

  async hash(path: string, ctx?: JobContext): Promise<string> {
    const s = await stat(path)
    const known = this.byPath.get(path)
    if (known && known.size === s.size && known.mtimeMs === s.mtimeMs) return known.hash
    const hash = await hashFile(path, ctx)
    this.byPath.set(path, { size: s.size, mtimeMs: s.mtimeMs, hash })
    return hash
  }

  records(): [string, HashRecord][] {
    return [...this.byPath.entries()]
  }
}
