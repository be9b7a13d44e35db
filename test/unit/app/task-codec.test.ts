import { describe, expect, it } from 'vitest'
import { decodeTaskValue, encodeTaskValue } from '../../../src/main/engine/app/task-codec'

const roundTrip = (v: unknown) => decodeTaskValue(encodeTaskValue(v))

describe('task codec (payloads and results as JSON text)', () => {
  it('keeps NaN, ±Infinity and −0, which plain JSON turns into null and 0', () => {
    const back = roundTrip({ min: Infinity, max: -Infinity, mean: NaN, zero: -0, list: [NaN, 1] })
    expect(back).toEqual({ min: Infinity, max: -Infinity, mean: NaN, zero: -0, list: [NaN, 1] })
    expect(Object.is((back as { zero: number }).zero, -0)).toBe(true)
    expect(JSON.parse(JSON.stringify({ a: NaN }))).toEqual({ a: null }) // what the codec avoids
  })

  it('keeps typed arrays bit for bit, their type, and views into a larger buffer', () => {
    const f64 = new Float64Array([0.1, NaN, -Infinity, Number.MIN_VALUE, -0, 1e308])
    const f32 = new Float32Array([1 / 3, NaN])
    const big = new BigInt64Array([-(2n ** 63n), 7n])
    const slice = new Int32Array(new ArrayBuffer(64), 12, 3).fill(-5) // offset 12, not 0
    const back = roundTrip({ f64, f32, big, slice, u8: new Uint8Array([255]) }) as Record<
      string,
      ArrayBufferView
    >
    expect(back.f64).toBeInstanceOf(Float64Array)
    expect(Buffer.from(back.f64.buffer)).toEqual(Buffer.from(f64.buffer))
    expect(back.f32).toBeInstanceOf(Float32Array)
    expect(Array.from(back.f32 as Float32Array)).toEqual(Array.from(f32))
    expect(back.big).toEqual(big)
    expect(back.slice).toEqual(new Int32Array([-5, -5, -5]))
    expect(back.u8).toEqual(new Uint8Array([255]))
  })

  it('keeps Maps and Sets (cut-flow partials are keyed by region) and a __proto__ key', () => {
    const cutflow = new Map([
      ['SR', { sumw: new Float64Array([1, NaN]) }],
      ['CR', { sumw: new Float64Array(0) }],
    ])
    const back = roundTrip({ regions: cutflow, seen: new Set(['a', 'b']) }) as {
      regions: Map<string, { sumw: Float64Array }>
      seen: Set<string>
    }
    expect(back.regions).toBeInstanceOf(Map)
    expect([...back.regions.keys()]).toEqual(['SR', 'CR'])
    expect(back.regions.get('SR')?.sumw).toEqual(new Float64Array([1, NaN]))
    expect(back.seen).toEqual(new Set(['a', 'b']))
    const named = JSON.parse('{"__proto__": {"sumw": 2}, "ttbar": {"sumw": 1}}') as object
    const decoded = roundTrip(named) as Record<string, unknown>
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype)
    expect(Object.keys(decoded)).toEqual(['__proto__', 'ttbar'])
    expect(Object.getOwnPropertyDescriptor(decoded, '__proto__')?.value).toEqual({ sumw: 2 })
  })

  it('reads back objects of the input whose keys look like its own tags', () => {
    const tricky = { $t: 'Float64Array', b64: 'AAAA', nested: { $n: 'NaN', $m: 1, $s: 2 }, $o: [1] }
    expect(roundTrip(tricky)).toEqual(tricky)
    expect(roundTrip([{ $n: 'x' }, 'NaN', null])).toEqual([{ $n: 'x' }, 'NaN', null])
  })

  it('drops undefined members like JSON and refuses what it cannot carry, naming where', () => {
    expect(roundTrip({ a: undefined, b: [undefined] })).toEqual({ b: [null] })
    expect(() => encodeTaskValue({ cuts: [new Date(0)] }, 'payload')).toThrow(
      'cannot encode a Date at payload.cuts[0]',
    )
    expect(() => encodeTaskValue({ f: () => 1 })).toThrow('cannot encode a function at value.f')
    expect(() => decodeTaskValue('{"$t": "Float64Array", "b64": "AAA="}')).toThrow(
      'are not a whole Float64Array',
    )
  })
})
