/**
 * Task payloads and results as JSON text, for executors whose transport is text (the cluster's
 * Redis jobs). JSON alone would lose what partials are made of: typed arrays (histogram bins,
 * columns), NaN and ±Infinity (an empty partition's min/max), −0. Those are written as tagged
 * objects and read back exactly:
 *
 *   Float64Array [1, NaN]  → {"$t": "Float64Array", "b64": "<the array's bytes, base64>"}
 *   NaN, Infinity, -0      → {"$n": "NaN"} · {"$n": "Infinity"} · {"$n": "-0"}
 *   Map, Set               → {"$m": [[key, value], …]} · {"$s": [value, …]} (in their order)
 *   an object of the input whose keys include a tag ("$t", "$n", "$m", "$s", "$o") → {"$o": {…}}
 *
 * Typed arrays travel as their bytes (exact to the bit, compact); byte order is the machine's,
 * little-endian on every platform Node.js supports. Objects come back as plain objects (a
 * `__proto__` key as an own property), as structured cloning gives them to the pool's threads.
 * `undefined` object members are dropped and `undefined` array elements become null, as in
 * JSON; class instances other than these and functions are programming errors and are refused.
 */

const TYPED = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const
type TypedName = keyof typeof TYPED

const TAGS = ['$t', '$n', '$m', '$s', '$o']

/** out[k] = value, where a key `__proto__` (a sample of that name) stays an own property. */
function setOwn(out: Record<string, unknown>, k: string, value: unknown): void {
  Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true })
}

function typedName(v: ArrayBufferView): TypedName | undefined {
  const name = v.constructor.name
  return name in TYPED ? (name as TypedName) : undefined
}

function encodeValue(v: unknown, path: string): unknown {
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return { $n: 'NaN' }
    if (v === Infinity) return { $n: 'Infinity' }
    if (v === -Infinity) return { $n: '-Infinity' }
    if (Object.is(v, -0)) return { $n: '-0' }
    return v
  }
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v
  if (v === undefined) return null
  if (typeof v !== 'object') throw new Error(`task codec: cannot encode a ${typeof v} at ${path}`)
  if (ArrayBuffer.isView(v)) {
    const name = typedName(v)
    if (!name) throw new Error(`task codec: cannot encode a ${v.constructor.name} at ${path}`)
    const bytes = Buffer.from(v.buffer, v.byteOffset, v.byteLength)
    return { $t: name, b64: bytes.toString('base64') }
  }
  if (Array.isArray(v)) return v.map((x, i) => encodeValue(x, `${path}[${i}]`))
  if (v instanceof Map) {
    return {
      $m: [...v].map(([k, x], i) => [
        encodeValue(k, `${path}.keys[${i}]`),
        encodeValue(x, `${path}.get(${JSON.stringify(k) ?? String(k)})`),
      ]),
    }
  }
  if (v instanceof Set) return { $s: [...v].map((x, i) => encodeValue(x, `${path}.values[${i}]`)) }
  const proto = Object.getPrototypeOf(v) as unknown
  if (proto !== Object.prototype && proto !== null) {
    throw new Error(`task codec: cannot encode a ${v.constructor.name} at ${path}`)
  }
  const out: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(v)) {
    if (x !== undefined) setOwn(out, k, encodeValue(x, `${path}.${k}`))
  }
  return Object.keys(out).some((k) => TAGS.includes(k)) ? { $o: out } : out
}

function decodeValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v
  if (Array.isArray(v)) return v.map(decodeValue)
  const o = v as Record<string, unknown>
  if ('$o' in o) return decodeMembers(o.$o as Record<string, unknown>)
  if ('$m' in o) {
    return new Map((o.$m as [unknown, unknown][]).map(([k, x]) => [decodeValue(k), decodeValue(x)]))
  }
  if ('$s' in o) return new Set((o.$s as unknown[]).map(decodeValue))
  if ('$n' in o) {
    const n = { NaN, Infinity, '-Infinity': -Infinity, '-0': -0 }[String(o.$n)]
    if (n === undefined) throw new Error(`task codec: unknown number '${String(o.$n)}'`)
    return n
  }
  if ('$t' in o) {
    const name = String(o.$t)
    if (!(name in TYPED)) throw new Error(`task codec: unknown typed array '${name}'`)
    const Ctor = TYPED[name as TypedName]
    const bytes = Buffer.from(String(o.b64), 'base64')
    if (bytes.byteLength % Ctor.BYTES_PER_ELEMENT !== 0) {
      throw new Error(`task codec: ${bytes.byteLength} bytes are not a whole ${name}`)
    }
    // A fresh, aligned buffer (Buffer.from may share an unaligned pool slice).
    const buffer = new ArrayBuffer(bytes.byteLength)
    new Uint8Array(buffer).set(bytes)
    return new Ctor(buffer)
  }
  return decodeMembers(o)
}

function decodeMembers(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(o)) setOwn(out, k, decodeValue(x))
  return out
}

/** `value` (a payload or result) as JSON text; `what` names it in errors ("payload of cutflow"). */
export function encodeTaskValue(value: unknown, what = 'value'): string {
  return JSON.stringify(encodeValue(value, what))
}

/** The value `encodeTaskValue` wrote: typed arrays, NaN, ±Infinity and −0 as they were. */
export function decodeTaskValue(text: string): unknown {
  return decodeValue(JSON.parse(text))
}
