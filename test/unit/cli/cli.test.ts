/** The hepwb command line as a user runs it (a real process, from source). */
import { describe, expect, it } from 'vitest'
import { hepwb } from '../helpers/cli'

describe('hepwb', () => {
  it('info --json prints the documented shape', () => {
    const r = hepwb('info', '--json')
    expect(r.code).toBe(0)
    const info = JSON.parse(r.stdout) as {
      version: string
      node: string
      backend: string
      backends: { name: string; available: boolean; error?: string }[]
    }
    expect(info.version).toMatch(/^\d+\.\d+\.\d+$/)
    expect(info.node).toBe(process.versions.node)
    expect(info.backends.map((b) => b.name)).toEqual([
      'tensorflow-gpu',
      'tensorflow',
      'wasm',
      'cpu',
    ])
    // This machine has no native TensorFlow: the engine says why and falls back to wasm.
    const native = info.backends.filter((b) => b.name.startsWith('tensorflow'))
    for (const b of native) if (!b.available) expect(b.error).toBeTruthy()
    expect(info.backends.find((b) => b.name === 'wasm')?.available).toBe(true)
    expect(info.backend).toBe(
      native.some((b) => b.available) ? info.backends.find((b) => b.available)?.name : 'wasm',
    )
  })

  it('--help lists the commands', () => {
    const r = hepwb('--help')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/info/)
    expect(r.stdout).toMatch(/serve/)
  })

  it('reports usage errors on stderr with a non-zero exit', () => {
    const r = hepwb('no-such-command')
    expect(r.code).not.toBe(0)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/unknown command/)
    const p = hepwb('serve', '--port', 'x', '--json')
    expect(p.code).not.toBe(0)
    expect(p.stderr).toMatch(/--port/)
  })
})
