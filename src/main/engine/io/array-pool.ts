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

/** Arrays kept for reuse, matched by exact type and length (so each is a whole buffer). */
export class ArrayPool {
  private readonly free: NumericArray[] = []

  /** Keeps at most `limit` arrays (the oldest go first). */
  constructor(private readonly limit = 16) {}

  /** An array of `type` and `n` values: one given back, else a new one. */
  take(type: ColumnType, n: number): NumericArray {
    const kind = allocValues(type, 0).constructor
    const i = this.free.findIndex((a) => a.length === n && a.constructor === kind)
    if (i < 0) return allocValues(type, n)
    const [a] = this.free.splice(i, 1)
    return a
  }

  /** Takes `a` back: nothing may read or write it afterwards. */
  give(a: NumericArray): void {
    this.free.push(a)
    if (this.free.length > this.limit) this.free.shift()
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
