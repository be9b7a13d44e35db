/** RFC 6902 JSON Patch and pyhf patchsets. */
import { describe, expect, it } from 'vitest'
import {
  applyJsonPatch,
  compareSignalPoints,
  getPatch,
  listPatches,
  parseJsonPatch,
  parsePatchSet,
} from '../../../src/main/engine/stats/patch'

describe('applyJsonPatch', () => {
  const doc = { a: [1, 2, 3], b: { 'c/d': 1, 'e~f': 2 } }

  it('implements add, remove, replace, move, copy, test without touching the input', () => {
    const out = applyJsonPatch<typeof doc & { x?: unknown }>(
      doc,
      parseJsonPatch([
        { op: 'add', path: '/a/1', value: 9 },
        { op: 'add', path: '/a/-', value: 7 },
        { op: 'remove', path: '/a/0' },
        { op: 'replace', path: '/b/c~1d', value: 5 },
        { op: 'copy', from: '/b/e~0f', path: '/x' },
        { op: 'move', from: '/x', path: '/b/y' },
        { op: 'test', path: '/b/y', value: 2 },
      ]),
    )
    expect(out).toEqual({ a: [9, 2, 3, 7], b: { 'c/d': 5, 'e~f': 2, y: 2 } })
    expect(doc).toEqual({ a: [1, 2, 3], b: { 'c/d': 1, 'e~f': 2 } })
  })

  it('share: the same result, the input untouched, untouched parts shared and not copied', () => {
    const input = {
      a: [1, 2, 3],
      b: { 'c/d': 1, 'e~f': 2 },
      big: { deep: [[1], [2]] },
      m: { n: [4] },
    }
    const before = structuredClone(input)
    const ops = parseJsonPatch([
      { op: 'add', path: '/a/1', value: 9 },
      { op: 'remove', path: '/a/0' },
      { op: 'replace', path: '/b/c~1d', value: 5 },
      { op: 'copy', from: '/b/e~0f', path: '/x' },
      { op: 'move', from: '/m/n', path: '/b/y' },
      { op: 'add', path: '/big/deep/1/-', value: 3 },
      { op: 'test', path: '/b/y', value: [4] },
    ])
    const shared = applyJsonPatch<typeof input>(input, ops, { share: true })
    expect(shared).toEqual(applyJsonPatch(input, ops))
    expect(input).toEqual(before)
    expect(shared.big.deep[0]).toBe(input.big.deep[0]) // not on any operation's path
    expect(shared.big.deep[1]).not.toBe(input.big.deep[1])
    expect(() =>
      applyJsonPatch(input, parseJsonPatch([{ op: 'add', path: '/q/r/s', value: 1 }]), {
        share: true,
      }),
    ).toThrow(/path not found: \/q/)
    expect(input).toEqual(before)
  })

  it('says which operation failed and why', () => {
    expect(() =>
      applyJsonPatch(
        doc,
        parseJsonPatch([
          { op: 'add', path: '/a/0', value: 1 },
          { op: 'add', path: '/channels/9/samples/0', value: {} },
        ]),
      ),
    ).toThrow('patch operation 1 (add /channels/9/samples/0): path not found: /channels')
    expect(() => applyJsonPatch(doc, parseJsonPatch([{ op: 'remove', path: '/a/5' }]))).toThrow(
      /index 5 out of range/,
    )
    expect(() =>
      applyJsonPatch(doc, parseJsonPatch([{ op: 'test', path: '/a/0', value: 2 }])),
    ).toThrow(/test failed/)
    expect(() => parseJsonPatch([{ op: 'frobnicate', path: '/a' }])).toThrow(
      /invalid JSON Patch at \[0\]/,
    )
  })
})

describe('patchsets', () => {
  const ps = parsePatchSet({
    metadata: { digests: { sha256: 'x' }, labels: ['m'], description: 'd' },
    version: '1.0.0',
    patches: [
      { metadata: { name: 'p1', values: [1] }, patch: [{ op: 'add', path: '/k', value: 1 }] },
      { metadata: { name: 'p2', values: [2] }, patch: [{ op: 'add', path: '/k', value: 2 }] },
    ],
  })
  it('lists and picks patches by name', () => {
    expect(listPatches(ps)).toEqual([
      { name: 'p1', values: [1] },
      { name: 'p2', values: [2] },
    ])
    expect(applyJsonPatch({}, getPatch(ps, 'p2'))).toEqual({ k: 2 })
    expect(() => getPatch(ps, 'p3')).toThrow(
      "no patch named 'p3' in the patchset (patches: p1, p2)",
    )
  })
  it('rejects duplicate names', () => {
    expect(() =>
      parsePatchSet({
        metadata: { digests: {}, labels: [] },
        version: '1.0.0',
        patches: [
          { metadata: { name: 'a', values: [] }, patch: [] },
          { metadata: { name: 'a', values: [] }, patch: [] },
        ],
      }),
    ).toThrow(/duplicate patch 'a'/)
  })
})

describe('signal point order', () => {
  it('sorts by the labelled values numerically, then text naturally, then by name', () => {
    const points = [
      { name: 'p_1000_0', values: [1000, 0] },
      { name: 'p_150_0', values: [150, 0] },
      { name: 'p_150_100', values: [150, 100] },
      { name: 'p_150_20', values: [150, 20] },
      { name: 'text', values: ['m10'] },
      { name: 'text2', values: ['m2'] },
      { name: 'b', values: [] },
      { name: 'a', values: [] },
    ]
    // A missing value counts as empty text: after the numbers, before other text.
    expect([...points].sort(compareSignalPoints).map((p) => p.name)).toEqual([
      'p_150_0',
      'p_150_20',
      'p_150_100',
      'p_1000_0',
      'a',
      'b',
      'text2',
      'text',
    ])
  })
})
