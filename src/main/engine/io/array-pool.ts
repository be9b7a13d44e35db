/**
 * Column arrays handed back for the next partition's read. A pass over events reads partition
 * after partition of the same columns, each a few MB per column; fresh typed arrays for every
 * one are external memory to V8, which starts a mark-compact about every partition (measured:
 * 258 of them in a 2·10^7-event pass, as much CPU on V8's helper threads as the pass itself) and
 * the OS zeroes their pages again on first write. A reader takes its arrays here; whoever is done
 * with a partition gives them back (PartitionEvents.release), and the next read gets them.
 */
import type { ColumnType, NumericArray } from '../../../shared/column'
import { allocValues } from './column-ops'

/** Where a reader gets the arrays it fills: every value is written by the reader. */
export type AllocValues = (type: ColumnType, n: number) => NumericArray

/** The arrays of one read, taken from a pool (see ArrayPool.lease). */
export interface Lease {
  /** An array like allocValues(type, n) would give, its values not zeroed. */
  readonly alloc: AllocValues
  /** Gives every array taken through `alloc` back to the pool; later calls do nothing. */
  release(): void
}

/**
 * How long a thread keeps the buffers of its reads (these arrays, parquet.ts's column chunks)
 * without using them (ms). A user's next request — a changed cut, another histogram — comes
 * within seconds, and threads that must fault in and zero fresh buffers meanwhile slow each
 * other: measured on 2 threads over 10^8 Parquet events, a pass 3 s after the last took
 * 1.35–1.39 s with the buffers dropped after 1 s and 1.17–1.20 s with them kept (1 thread:
 * 2.2 s either way). After this long the memory goes back.
 */
export const READ_BUFFERS_KEPT_MS = 30_000

/**
 * Arrays kept for reuse, matched by exact type and length (so each is a whole buffer). They are
 * kept for the next partition of a pass, not for ever: at most `limit` bytes, and none once the
 * pool has been idle for READ_BUFFERS_KEPT_MS (a long-lived worker keeps the sources it opened).
 */
export class ArrayPool {
  private readonly free: NumericArray[] = []
  private bytes = 0
  private idle: ReturnType<typeof setTimeout> | undefined

  /** Keeps at most `limit` bytes of arrays (the oldest go first). */
  constructor(private readonly limit = 64 * 2 ** 20) {}

  /** An array of `type` and `n` values: one given back, else a new one. */
  take(type: ColumnType, n: number): NumericArray {
    const kind = allocValues(type, 0).constructor
    const i = this.free.findIndex((a) => a.length === n && a.constructor === kind)
    if (i < 0) return allocValues(type, n)
    const [a] = this.free.splice(i, 1)
    this.bytes -= a.byteLength
    return a
  }

  /** Takes `a` back: nothing may read or write it afterwards. */
  give(a: NumericArray): void {
    this.free.push(a)
    this.bytes += a.byteLength
    while (this.bytes > this.limit) this.bytes -= (this.free.shift() as NumericArray).byteLength
    if (this.idle) this.idle.refresh()
    else {
      this.idle = setTimeout(() => this.drop(), READ_BUFFERS_KEPT_MS)
      this.idle.unref?.()
    }
  }

  /** Lets every kept array go. */
  drop(): void {
    this.free.length = 0
    this.bytes = 0
    if (this.idle) clearTimeout(this.idle)
    this.idle = undefined
  }

  /** A lease for one read: release() gives back what it took, and only that. */
  lease(): Lease {
    let taken: NumericArray[] | undefined = []
    return {
      alloc: (type, n) => {
        const a = this.take(type, n)
        taken?.push(a)
        return a
      },
      release: () => {
        for (const a of taken ?? []) this.give(a)
        taken = undefined
      },
    }
  }
}
