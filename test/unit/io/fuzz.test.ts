/**
 * Readers on damaged files: seeded mutants (truncated, bytes overwritten anywhere or in the
 * metadata near the end) of small ROOT, Parquet, HDF5 and CSV files, read in a child process
 * through the engine's reader interface. Every failure must be one InputError line that names
 * the file and says what is wrong in words — no raw library text ("Offset is outside the bounds
 * of the DataView", "Cannot read properties of undefined", HDF5-DIAG) — and nothing may reach
 * stdout or stderr (jsroot logs to stdout, HDF5 prints its error stack on stderr).
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import h5wasm from 'h5wasm/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { root } from '../helpers/cli'
import type { ReadOutcome } from './read-all'
import { COFFEA, SKHEP } from './shared-data'
import { tinyParquet } from './tiny-parquet'

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-fuzz-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** mulberry32: the same mutants on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

/** `n` mutants of `base`: truncated, or 1–8 bytes overwritten anywhere or in the last 10 %. */
function mutants(base: Uint8Array, n: number, seed: number): Uint8Array[] {
  const r = rng(seed)
  const out: Uint8Array[] = []
  for (let k = 0; k < n; k++) {
    const kind = k % 3
    if (kind === 0) {
      out.push(base.slice(0, Math.floor(r() * base.length)))
      continue
    }
    const b = Uint8Array.from(base) // a copy (Buffer.slice would be a view)
    const from = kind === 1 ? 0 : Math.floor(0.9 * b.length)
    const flips = 1 + Math.floor(r() * 8)
    for (let i = 0; i < flips; i++)
      b[from + Math.floor(r() * (b.length - from))] = Math.floor(r() * 256)
    out.push(b)
  }
  return out
}

const RAW =
  /Offset is outside the bounds|Cannot read propert|is not a function|is not iterable|Invalid typed array length|HDF5-DIAG|Missmatch|TypeError|RangeError/

const files: string[] = []

beforeAll(async () => {
  await h5wasm.ready
  const h5 = join(tmp, 'base.h5')
  const f = new h5wasm.File(h5, 'w')
  const ev = f.create_group('events')
  ev.create_dataset({ name: 'pt', data: new Float64Array([10, 20, 30, 40, 50, 60]) })
  ev.create_dataset({ name: 'n', data: new Int32Array([1, 0, 2, 5, 3, 3]) })
  ev.create_dataset({ name: 'p4', data: new Float32Array(24).map((_, i) => i), shape: [6, 4] })
  f.close()
  const bases: [string, Uint8Array, number][] = [
    ['flat.root', readFileSync(`${SKHEP}uproot-small-flat-tree.root`), 15],
    ['hzz.root', readFileSync(`${SKHEP}uproot-HZZ.root`), 15],
    [
      'tiny.parquet',
      tinyParquet([
        { name: 'x', type: 'DOUBLE', values: [1, 2, 3, 4] },
        { name: 'n', type: 'INT32', values: [4, 3, 2, 1] },
        { name: 's', type: 'BYTE_ARRAY', values: ['a', 'b', 'c', 'd'] },
      ]),
      15,
    ],
    ['dy.parquet', readFileSync(`${COFFEA}nano_dy.parquet`), 15],
    ['events.h5', readFileSync(h5), 30],
    ['events.csv', Buffer.from('pt,eta,"name"\n1.5,0.1,a\n2.5,-0.3,"b,c"\n3,1e3,d\n'), 30],
  ]
  bases.forEach(([name, bytes, n], i) => {
    mutants(bytes, n, 17 + i).forEach((m, k) => {
      const file = join(tmp, `${k}-${name}`)
      writeFileSync(file, m)
      files.push(file)
    })
  })
}, 30_000)

describe('readers on damaged files', () => {
  it('fail with one line naming the file and the fault in words, and print nothing', () => {
    const report = join(tmp, 'report.json')
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(root, 'test/unit/io/read-all.ts'), report, ...files],
      { encoding: 'utf8', env: { ...process.env, HEPWB_DEBUG: undefined } },
    )
    expect(r.status).toBe(0)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe('')
    const outcomes = JSON.parse(readFileSync(report, 'utf8')) as ReadOutcome[]
    expect(outcomes).toHaveLength(files.length)
    const failed = outcomes.filter((o) => o.error)
    // The mutants bite: most of them are refused (flips inside event data may read as values).
    expect(failed.length).toBeGreaterThan(outcomes.length / 2)
    for (const o of failed) {
      const e = o.error!
      expect(e.inputError, e.message).toBe(true)
      expect(e.message.startsWith(o.file), e.message).toBe(true)
      expect(e.message).not.toMatch(/\n/)
      expect(e.message).not.toMatch(RAW)
    }
  }, 120_000)
})
