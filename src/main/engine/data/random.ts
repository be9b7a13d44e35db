/**
 * Seeded pseudo-random numbers: every random step of the engine (splits, shuffles, weight
 * initialisation, searches, simulators) takes a seed, and the same seed gives the same numbers
 * on every machine. xoshiro128** (Blackman & Vigna) seeded through splitmix32.
 */
export class Random {
  private a: number
  private b: number
  private c: number
  private d: number
  private spare: number | null = null

  constructor(seed: number) {
    let s = seed >>> 0
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0
      let z = s
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
      return (z ^ (z >>> 16)) >>> 0
    }
    this.a = next()
    this.b = next()
    this.c = next()
    this.d = next()
  }

  /**
   * The generator's position (four 32-bit words): `Random.at(state)` continues the same
   * sequence of uniform draws, so a stream can be resumed elsewhere — a later chunk, another
   * thread or a cluster worker (a partition's share of a split, split-stream.ts).
   */
  state(): [number, number, number, number] {
    return [this.a, this.b, this.c, this.d]
  }

  /** A generator at `state` (from `state()`). */
  static at(state: readonly number[]): Random {
    const r = new Random(0)
    ;[r.a, r.b, r.c, r.d] = state.map((v) => v >>> 0)
    return r
  }

  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    const r = Math.imul(rotl(Math.imul(this.b, 5) >>> 0, 7), 9) >>> 0
    const t = (this.b << 9) >>> 0
    this.c ^= this.a
    this.d ^= this.b
    this.b ^= this.c
    this.a ^= this.d
    this.c ^= t
    this.d = rotl(this.d, 11)
    return r
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.uint32() / 4294967296
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n)
  }

  /** Standard normal (Box–Muller, the second value kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare
      this.spare = null
      return s
    }
    let u = 0
    while (u === 0) u = this.uniform()
    const v = this.uniform()
    const r = Math.sqrt(-2 * Math.log(u))
    this.spare = r * Math.sin(2 * Math.PI * v)
    return r * Math.cos(2 * Math.PI * v)
  }

  /** Exponential with the given rate (mean 1 / rate). */
  exponential(rate: number): number {
    let u = 0
    while (u === 0) u = this.uniform()
    return -Math.log(u) / rate
  }

  /** Shuffles `a` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: number }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1)
      const t = a[i]
      a[i] = a[j]
      a[j] = t
    }
    return a
  }

  /** 0, 1, …, n − 1 in random order. */
  permutation(n: number): Uint32Array {
    const p = new Uint32Array(n)
    for (let i = 0; i < n; i++) p[i] = i
    return this.shuffle(p)
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0
}
