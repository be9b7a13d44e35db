/**
 * The zstd decoder (used for ZSTD ROOT baskets and Parquet pages) is an Emscripten build whose
 * Node glue installs process-wide `uncaughtException` / `unhandledRejection` handlers that
 * abort; the engine must not keep them. h5wasm goes through the same guard.
 */
import { describe, expect, it } from 'vitest'
import { listHdf5Tables } from '../../../src/main/engine/io/hdf5'
import { readParquetColumns } from '../../../src/main/engine/io/parquet'
import { readRootColumns } from '../../../src/main/engine/io/root'
import { silentContext } from '../../../src/main/engine/jobs/context'
import { COFFEA, DATA, SKHEP } from './shared-data'

const count = () => [
  process.listeners('uncaughtException').length,
  process.listeners('unhandledRejection').length,
]

describe('WebAssembly libraries', () => {
  it('leave no process-wide crash handlers behind', async () => {
    const before = count()
    const ctx = silentContext()
    await readRootColumns(SKHEP + 'uproot-Zmumu-zstd.root', 'events', ['M'], ctx)
    await readParquetColumns(COFFEA + 'nano_dy.parquet', ['Muon_pt'], ctx)
    await listHdf5Tables(DATA + 'cmsopen_llayer/TTJets_pdfweights.h5')
    expect(count()).toEqual(before)
  })
})
