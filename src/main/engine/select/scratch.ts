/**
 * Output buffers of a compiled expression, reused from one evaluation to the next. Touching a
 * freshly allocated 80 MB array costs more than the loop that fills it (the OS maps and zeroes
 * every page on first write), so each allocation site of a compiled tree — a slot — keeps its
 * buffer and gets a view of the needed length next time. Results handed to callers are never
 * scratch buffers: the compiler copies out of them at the root (see `owns`).
 */
type Buffer = Float64Array | Uint8Array | Int32Array

export class Scratch {
  private readonly buffers: Buffer[] = []
  private readonly owned = new Set<ArrayBufferLike>()

  /** A new allocation site; returns its id. */
  slot(): number {
    this.buffers.push(new Uint8Array(0))
    return this.buffers.length - 1
  }

  f64(slot: number, n: number): Float64Array {
    const b = this.buffers[slot]
    return b instanceof Float64Array && b.length >= n
      ? view(b, n)
      : this.replace(slot, new Float64Array(n))
  }

  u8(slot: number, n: number): Uint8Array {
    const b = this.buffers[slot]
    return b instanceof Uint8Array && b.length >= n
      ? view(b, n)
      : this.replace(slot, new Uint8Array(n))
  }

  i32(slot: number, n: number): Int32Array {
    const b = this.buffers[slot]
    return b instanceof Int32Array && b.length >= n
      ? view(b, n)
      : this.replace(slot, new Int32Array(n))
  }

  /** Is `a` (or the memory it views) one of these buffers? */
  owns(a: ArrayBufferView): boolean {
    return this.owned.has(a.buffer)
  }

  private replace<T extends Buffer>(slot: number, b: T): T {
    this.owned.delete(this.buffers[slot].buffer)
    this.buffers[slot] = b
    this.owned.add(b.buffer)
    return b
  }
}

function view<T extends Buffer>(b: T, n: number): T {
  return (b.length === n ? b : b.subarray(0, n)) as T
}
