/**
 * A synchronous positioned read that fills its buffer: a partition's bytes (decoded-column
 * cache, Parquet column chunks) are read by the thread that decodes and loops over them next,
 * a copy out of the page cache with no round trip through libuv's pool (README, Out of core).
 */
import { readSync } from 'node:fs'

/** Reads `into.length` bytes of file `fd` at byte `pos` into `into`; throws at end of file. */
export function readAtSync(fd: number, into: Uint8Array, pos: number): void {
  let done = 0
  while (done < into.length) {
    const got = readSync(fd, into, done, into.length - done, pos + done)
    if (got === 0) throw new Error(`short read at byte ${pos} (truncated?)`)
    done += got
  }
}
