/** The window's "X exists. Replace it?" flow around a write (issue 17, item 9). */
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../../src/renderer/src/api/client'
import { writeAsking } from '../../../src/renderer/src/api/overwrite'

/** A write that refuses unless overwrite, as the engine does for an existing file. */
function engineWrite(calls: boolean[]) {
  return async (overwrite: boolean) => {
    calls.push(overwrite)
    if (!overwrite)
      throw new ApiError({ code: 'exists', path: '/d/f.json', message: '/d/f.json already exists' })
    return { path: '/d/f.json' }
  }
}

describe('writeAsking', () => {
  it('asks with the path and re-sends with overwrite on yes', async () => {
    const calls: boolean[] = []
    const asked: string[] = []
    const r = await writeAsking(engineWrite(calls), false, (p) => (asked.push(p), true))
    expect(r).toEqual({ path: '/d/f.json' })
    expect(asked).toEqual(['/d/f.json'])
    expect(calls).toEqual([false, true])
  })

  it('keeps the file on no', async () => {
    const calls: boolean[] = []
    expect(await writeAsking(engineWrite(calls), false, () => false)).toBeNull()
    expect(calls).toEqual([false])
  })

  it('does not ask again after a native dialog confirmed', async () => {
    const calls: boolean[] = []
    const ask = () => {
      throw new Error('asked')
    }
    expect(await writeAsking(engineWrite(calls), true, ask)).toEqual({ path: '/d/f.json' })
    expect(calls).toEqual([true])
  })

  it('passes other errors through', async () => {
    const fail = async () => {
      throw new ApiError({ code: 'failed', message: 'disk full' })
    }
    await expect(writeAsking(fail, false, () => true)).rejects.toThrow('disk full')
  })
})
