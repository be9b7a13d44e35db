/**
 * Every write of a user-chosen path the window can ask for (issue 17, item 9) refuses an
 * existing file unless the request says `overwrite: true`, answering with the error code
 * 'exists' and the path (the window then asks "X exists. Replace it?"). The real engine
 * service over the wire protocol, real files.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { EngineService } from '../../../src/main/engine/service'
import type { EngineMessage, ErrorInfo, JobEvent } from '../../../src/shared/api'
import { SKHEP } from '../io/shared-data'

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-overwrite-'))
const WORKSPACE = {
  channels: [
    {
      name: 'c',
      samples: [
        {
          name: 's',
          data: [5],
          modifiers: [{ name: 'mu', type: 'normfactor', data: null }],
        },
        { name: 'b', data: [50], modifiers: [] },
      ],
    },
  ],
  observations: [{ name: 'c', data: [55] }],
  measurements: [{ name: 'm', config: { poi: 'mu', parameters: [] } }],
  version: '1.0.0',
}

type Answer = { ok: true; result: unknown } | { ok: false; error: ErrorInfo }

function engine() {
  let next = 1
  const pending = new Map<number, (a: Answer) => void>()
  const finished = new Map<string, JobEvent>()
  const service = new EngineService((msg: EngineMessage) => {
    if (msg.type === 'response')
      pending.get(msg.id)?.(
        msg.ok ? { ok: true, result: msg.result } : { ok: false, error: msg.error },
      )
    else if (msg.event === 'job') {
      const e = msg.payload as JobEvent
      if (e.kind === 'finished') finished.set(e.jobId, e)
    }
  })
  const call = (method: string, params: unknown): Promise<Answer> => {
    const id = next++
    return new Promise((done) => {
      pending.set(id, done)
      void service.handle({ type: 'request', id, method, params })
    })
  }
  return { service, call, finished }
}

const e = engine()
afterAll(() => e.service.shutdown())

/** The job's finished event, once it came. */
async function finish(jobId: string): Promise<JobEvent | undefined> {
  for (let i = 0; i < 400 && !e.finished.has(jobId); i++)
    await new Promise((s) => setTimeout(s, 25))
  return e.finished.get(jobId)
}

/** Asks without overwrite (refused: 'exists', file untouched), then with it (written). */
async function refusedThenReplaced(
  method: string,
  params: Record<string, unknown>,
  file: string,
  settle: (a: Answer) => Promise<void> = async () => {},
): Promise<Answer> {
  writeFileSync(file, 'precious')
  const refused = await e.call(method, params)
  expect(refused, method).toEqual({
    ok: false,
    error: {
      code: 'exists',
      path: file,
      message: expect.stringContaining(`${file} already exists`),
    },
  })
  expect(readFileSync(file, 'utf8'), method).toBe('precious')
  const replaced = await e.call(method, { ...params, overwrite: true })
  expect(replaced.ok, JSON.stringify(replaced)).toBe(true)
  await settle(replaced)
  expect(readFileSync(file, 'latin1'), method).not.toBe('precious')
  return replaced
}

describe('writes to a user-chosen path', () => {
  it('refuse an existing file unless overwrite, for every kind of write', async () => {
    const a = join(tmp, 'a.hepwb')
    await refusedThenReplaced('project.create', { path: a }, a)
    const copy = join(tmp, 'copy.hepwb')
    await refusedThenReplaced('project.saveAs', { path: copy }, copy)

    const ws = join(tmp, 'ws.json')
    writeFileSync(ws, JSON.stringify(WORKSPACE))
    const imported = await e.call('fit.import', { path: ws })
    if (!imported.ok) throw new Error(imported.error.message)
    const workspaceId = (imported.result as { id: string }).id
    const out = join(tmp, 'out.json')
    await refusedThenReplaced('fit.export', { workspaceId, path: out }, out)
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(WORKSPACE)
    await refusedThenReplaced('inferno.exportFile', { workspace: WORKSPACE, path: out }, out)

    const added = await e.call('data.addSample', {
      spec: {
        name: 'Z',
        role: 'background',
        colour: '#1f77b4',
        files: [resolve(SKHEP + 'uproot-Zmumu.root')],
        table: 'events',
        weight: '',
        normalisation: { kind: 'none' },
      },
    })
    await finish((added as { result: { jobId: string } }).result.jobId)
    const spec = join(tmp, 'spec.json')
    await refusedThenReplaced('spec.export', { path: spec }, spec)

    // spec.open: refused before it becomes a job; with overwrite, the job replaces the file.
    const target = join(tmp, 'from-spec.hepwb')
    await refusedThenReplaced('spec.open', { spec, project: target }, target, async (r) => {
      const done = await finish((r as { result: { jobId: string } }).result.jobId)
      expect(done, JSON.stringify(done)).toMatchObject({ state: 'done' })
    })
  }, 30_000)

  it('never replaces the open project itself', async () => {
    const p = join(tmp, 'open.hepwb')
    expect((await e.call('project.create', { path: p })).ok).toBe(true)
    const again = await e.call('project.create', { path: p, overwrite: true })
    expect(again).toMatchObject({ ok: false, error: { code: 'failed' } })
    expect((again as { error: ErrorInfo }).error.message).toMatch(/is open in HEP Workbench/)
    const self = await e.call('project.saveAs', { path: `${tmp}/./open.hepwb`, overwrite: true })
    expect((self as { error: ErrorInfo }).error.message).toMatch(/this project's own file/)
    expect(existsSync(p)).toBe(true)
  })
})
