/**
 * HDF5 reader: the pandas "fixed" frame of CMS ttbar PDF weights (its first 1000 rows in
 * test/data, all 73227 in ../shared/data) and files written here
 * with h5wasm (one dataset per column, a fixed-size array, a dataset of the wrong shape).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import h5wasm from 'h5wasm/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InputError } from '../../../src/main/engine/io/errors'
import { listHdf5Tables, readHdf5Columns } from '../../../src/main/engine/io/hdf5'
import { silentContext } from '../../../src/main/engine/jobs/context'
import { DATA, itShared } from './shared-data'

const ctx = silentContext()
const tmp = mkdtempSync(join(tmpdir(), 'hepwb-h5-'))
const written = join(tmp, 'events.h5')
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

beforeAll(async () => {
  await h5wasm.ready
  const f = new h5wasm.File(written, 'w')
  const ev = f.create_group('events')
  ev.create_dataset({ name: 'pt', data: new Float64Array([10, 20, 30, 40]) })
  ev.create_dataset({ name: 'n', data: new Int32Array([1, 0, 2, 5]) })
  ev.create_dataset({ name: 'p4', data: new Float32Array(16).map((_, i) => i), shape: [4, 4] })
  ev.create_dataset({ name: 'short', data: new Float64Array([1, 2, 3]) })
  ev.create_dataset({ name: 'cube', data: new Float64Array(8), shape: [2, 2, 2] })
  f.close()
})

describe('HDF5 reader: pandas fixed frame', () => {
  const file = DATA + 'cmsopen_llayer/TTJets_pdfweights.h5'

  it('lists the frame with its columns in axis0 order and the index length as entries', async () => {
    const [t] = await listHdf5Tables(file)
    expect(t.name).toBe('frame')
    expect(t.entries).toBe(1000)
    expect(t.columns.map((c) => `${c.name}:${c.type}`)).toEqual([
      'run:int32',
      'luminosityBlock:uint32',
      'event:uint64',
      'pdf:float64',
      'pdf_up:float64',
      'pdf_down:float64',
    ])
  })

  it('cuts columns out of the (rows × columns) blocks', async () => {
    const c = await readHdf5Columns(file, 'frame', ['pdf', 'pdf_up', 'run'], ctx, {
      start: 0,
      stop: 2,
    })
    // block3_values[0..2, :] read directly with h5wasm: rows are (pdf, pdf_up, pdf_down).
    expect([...c.get('pdf')!.values]).toEqual([191.54368591308594, 21.660072326660156])
    expect([...c.get('pdf_up')!.values]).toEqual([0.07056260941357712, 0.16653766913466495])
    expect([...c.get('run')!.values]).toEqual([1, 1])
  })

  itShared(
    'reads the full frame (73227 rows) as the cut one in their common rows',
    async (shared) => {
      const full = shared + 'cmsopen_llayer/TTJets_pdfweights.h5'
      expect((await listHdf5Tables(full))[0].entries).toBe(73227)
      const names = ['run', 'luminosityBlock', 'event', 'pdf', 'pdf_up', 'pdf_down']
      const range = { start: 990, stop: 1000 }
      expect(await readHdf5Columns(full, 'frame', names, ctx, range)).toEqual(
        await readHdf5Columns(file, 'frame', names, ctx, range),
      )
    },
  )
})

describe('HDF5 reader: one dataset per column', () => {
  it('lists a group as a table; 2-D datasets are fixed-size array columns', async () => {
    const [t] = await listHdf5Tables(written)
    expect(t.name).toBe('events')
    expect(t.entries).toBe(4)
    expect(t.columns).toEqual([
      { name: 'n', type: 'int32', jagged: false },
      { name: 'p4', type: 'float32', jagged: true },
      { name: 'pt', type: 'float64', jagged: false },
    ])
    expect(t.skipped?.map((s) => s.name).sort()).toEqual(['cube', 'short'])
  })

  it('reads columns and ranges', async () => {
    const c = await readHdf5Columns(written, 'events', ['pt', 'p4'], ctx, { start: 1, stop: 3 })
    expect([...c.get('pt')!.values]).toEqual([20, 30])
    const p4 = c.get('p4')!
    expect(p4.kind === 'jagged' && [...p4.offsets]).toEqual([0, 4, 8])
    expect([...p4.values]).toEqual([4, 5, 6, 7, 8, 9, 10, 11])
  })

  it('names a dataset of the wrong shape', async () => {
    const e = await readHdf5Columns(written, 'events', ['short'], ctx).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(InputError)
    expect(e).toMatchObject({ file: written, table: 'events', column: 'short' })
    expect((e as Error).message).toMatch(/wrong shape.*has 3 rows, the table has 4/)
    await expect(readHdf5Columns(written, 'events', ['cube'], ctx)).rejects.toThrow(
      /column 'cube'.*shape \[2, 2, 2\]/,
    )
  })

  it('rejects a file that is not HDF5, an empty file and an unknown table', async () => {
    const text = join(tmp, 'x.h5')
    writeFileSync(text, 'hello')
    await expect(listHdf5Tables(text)).rejects.toThrow(/x.h5: not an HDF5 file/)
    const empty = join(tmp, 'empty.h5')
    writeFileSync(empty, '')
    await expect(listHdf5Tables(empty)).rejects.toThrow(/empty file/)
    await expect(readHdf5Columns(written, 'nope', ['pt'], ctx)).rejects.toThrow(/table 'nope'/)
  })
})
