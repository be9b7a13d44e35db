/**
 * The real engine process, spawned as `hepwb serve` spawns it (child_process.fork), driven
 * through the supervisor: no mocks.
 */
import { fork } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EventMessage, JobEvent } from '../../../src/shared/api'
import { defaultEngineEntry, forkSpawn } from '../../../src/main/host/fork'
import { ENGINE_STOPPED } from '../../../src/main/engine/store/runs'
import { answer } from '../../../src/main/host/host-methods'
import {
  EngineCallError,
  EngineSupervisor,
  type EngineProcess,
} from '../../../src/main/host/supervisor'
import { DATA } from '../io/shared-data'

const configDir = mkdtempSync(join(tmpdir(), 'hepwb-cfg-'))
const env = { ...process.env, HEPWB_CONFIG_DIR: configDir, HEPWB_BACKEND: 'cpu' as const }

/** Keeps the child so the test can kill it like a crash would. */
let lastPid = 0
function spawnTracked(): EngineProcess {
  const { entry, execArgv } = defaultEngineEntry()
  const child = fork(entry, [], {
    execArgv,
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  })
  lastPid = child.pid ?? 0
  return {
    send: (m) => void (child.connected && child.send(m as object)),
    onMessage: (l) => child.on('message', l),
    onExit: (l) => child.on('exit', (c, s) => l(c, s)),
    kill: () => void child.kill('SIGKILL'),
  }
}

function nextEvent(
  sup: EngineSupervisor,
  pred: (m: EventMessage) => boolean,
  timeoutMs = 90_000,
): Promise<EventMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off()
      reject(new Error('timed out waiting for an event'))
    }, timeoutMs)
    const off = sup.onEvent((m) => {
      if (!pred(m)) return
      clearTimeout(timer)
      off()
      resolve(m)
    })
  })
}

describe('engine process', () => {
  const sup = new EngineSupervisor(spawnTracked)
  const project = join(mkdtempSync(join(tmpdir(), 'hepwb-eng-')), 'p.hepwb')

  beforeAll(() => sup.start(), 60_000)
  afterAll(() => sup.stop())

  it('answers engine.info with the backend it chose', async () => {
    const info = await sup.call('engine.info', {})
    expect(info.backend).toBe('cpu')
    expect(info.backends.map((b) => b.name)).toEqual([
      'tensorflow-gpu',
      'tensorflow',
      'wasm',
      'cpu',
    ])
    expect(sup.engineStatus().state).toBe('ready')
  })

  it('rejects malformed requests with an error and keeps running', async () => {
    await expect(sup.request('no.such.method', {})).rejects.toThrow(
      /unknown method 'no.such.method'/,
    )
    await expect(sup.request('project.open', { path: 42 })).rejects.toThrow(/project.open: path/)
    await expect(sup.request('project.open', { path: '/x', extra: 1 })).rejects.toMatchObject({
      info: { code: 'invalid' },
    })
    await expect(sup.request('jobs.cancel', null)).rejects.toBeInstanceOf(EngineCallError)
    await expect(sup.request('engine.status', {})).rejects.toThrow(/answered by the host/)
    // Garbage without an id cannot be answered but must not kill the engine either.
    const raw = (sup as unknown as { proc: EngineProcess }).proc
    raw.send({ hello: 'world' })
    raw.send([1, 2, 3])
    raw.send('text')
    expect((await sup.call('engine.info', {})).pid).toBe(lastPid)
  })

  it(
    'runs a job with progress, cancels it, and stores it in the project as cancelled',
    { timeout: 120_000 },
    async () => {
      await sup.call('project.create', { path: project })
      const events: JobEvent[] = []
      const off = sup.onEvent((m) => m.event === 'job' && events.push(m.payload as JobEvent))
      const { jobId } = await sup.call('ml.backendCheck', { size: 64, repeats: 100_000 })
      await nextEvent(sup, (m) => m.event === 'job' && (m.payload as JobEvent).kind === 'progress')
      expect(sup.engineStatus().state).toBe('busy')
      // Listening before the cancel: the job may finish before the cancel's answer arrives.
      const finished = nextEvent(
        sup,
        (m) => m.event === 'job' && (m.payload as JobEvent).kind === 'finished',
      )
      expect(await sup.call('jobs.cancel', { jobId })).toEqual({ cancelled: true })
      const fin = await finished
      off()
      expect(fin.payload).toMatchObject({ jobId, state: 'cancelled' })
      expect(events[0]).toMatchObject({
        kind: 'started',
        job: { id: jobId, method: 'ml.backendCheck' },
      })
      expect(sup.engineStatus().state).toBe('ready')
      const runs = await sup.call('project.runs', {})
      expect(runs.at(-1)).toMatchObject({
        id: jobId,
        state: 'cancelled',
        params: { size: 64, repeats: 100_000 },
      })
      expect(await sup.call('jobs.cancel', { jobId })).toEqual({ cancelled: false })
    },
  )

  it('finishes a short job with its result', async () => {
    const { jobId } = await sup.call('ml.backendCheck', { size: 32, repeats: 3 })
    const fin = await nextEvent(
      sup,
      (m) =>
        m.event === 'job' &&
        (m.payload as JobEvent).kind === 'finished' &&
        (m.payload as { jobId: string }).jobId === jobId,
    )
    expect(fin.payload).toMatchObject({
      state: 'done',
      result: { backend: 'cpu', size: 32, repeats: 3 },
    })
    expect((fin.payload as { result: { gflops: number } }).result.gflops).toBeGreaterThan(0)
  })

  it(
    'stops a job that cannot yield (a long fit) by restarting the engine, project intact',
    { timeout: 120_000 },
    async () => {
      // A separate engine whose supervisor gives up waiting after 300 ms (the ranking of 1Lbb
      // runs for seconds without yielding).
      const hard = new EngineSupervisor(forkSpawn({ env }), { hardCancelMs: 300 })
      await hard.start()
      try {
        await hard.call('project.create', {
          path: join(mkdtempSync(join(tmpdir(), 'hepwb-hard-')), 'h.hepwb'),
        })
        const data = DATA + 'hepdata-pyhf-extractor_1Lbb'
        const ws = await hard.call('fit.import', {
          path: join(data, '1Lbb_BkgOnly.json'),
          patchset: join(data, '1Lbb_patchset_subset.json'),
        })
        const before = await hard.call('project.current', {})
        const { jobId } = await hard.call('fit.ranking', {
          workspaceId: ws.id,
          patch: 'C1N2_Wh_hbb_900_250',
          data: 'observed',
        })
        await nextEvent(
          hard,
          (m) => m.event === 'job' && (m.payload as JobEvent).kind === 'progress',
        )
        const t0 = Date.now()
        const fin = nextEvent(
          hard,
          (m) => m.event === 'job' && (m.payload as JobEvent).kind === 'finished',
        )
        const ready = nextEvent(
          hard,
          (m) => m.event === 'engine' && (m.payload as { state: string }).state === 'ready',
        )
        expect(
          await answer(hard, { type: 'request', id: 1, method: 'jobs.cancel', params: { jobId } }),
        ).toMatchObject({ ok: true, result: { cancelled: true } })
        expect((await fin).payload).toMatchObject({ jobId, state: 'cancelled' })
        // 300 ms of patience, then up to 2 s for the engine to die (SIGTERM, then SIGKILL).
        expect(Date.now() - t0).toBeLessThan(300 + 4000)
        await ready
        // The project is intact, with the stopped job recorded as a cancelled run.
        expect(await hard.call('project.current', {})).toEqual({
          ...before,
          runs: before!.runs + 1,
        })
        expect(await hard.call('fit.workspaces', {})).toHaveLength(1)
        expect((await hard.call('project.runs', {})).find((r) => r.id === jobId)).toMatchObject({
          state: 'cancelled',
          error: 'cancelled (the engine was restarted to stop it)',
        })
      } finally {
        hard.stop()
      }
    },
  )

  it('restarts after being killed, with the project reopened and intact', async () => {
    const before = await sup.call('project.current', {})
    const oldPid = lastPid
    const crashed = nextEvent(
      sup,
      (m) => m.event === 'engine' && (m.payload as { state: string }).state === 'crashed',
    )
    const ready = nextEvent(
      sup,
      (m) => m.event === 'engine' && (m.payload as { state: string }).state === 'ready',
    )
    process.kill(oldPid, 'SIGKILL')
    expect((await crashed).payload).toMatchObject({
      detail: expect.stringMatching(/killed \(SIGKILL\)/),
    })
    await ready
    expect(lastPid).not.toBe(oldPid)
    const after = await sup.call('project.current', {})
    expect(after).toEqual(before)
    expect((await sup.call('project.runs', {})).length).toBe(before?.runs)
  })

  it('records a job killed with its engine as a failed run (issue 17, item 12)', async () => {
    const { jobId } = await sup.call('ml.backendCheck', { size: 1024, repeats: 100_000 })
    // Recorded as running from its start: a crash cannot lose it.
    expect((await sup.call('project.runs', {})).find((r) => r.id === jobId)?.state).toBe('running')
    const failed = nextEvent(
      sup,
      (m) =>
        m.event === 'job' &&
        (m.payload as JobEvent).kind === 'finished' &&
        (m.payload as { jobId: string }).jobId === jobId,
    )
    const ready = nextEvent(
      sup,
      (m) => m.event === 'engine' && (m.payload as { state: string }).state === 'ready',
    )
    process.kill(lastPid, 'SIGKILL')
    expect((await failed).payload).toMatchObject({ state: 'failed' })
    await ready
    // The restarted engine reopened the project and found the run its predecessor left.
    const run = (await sup.call('project.runs', {})).find((r) => r.id === jobId)
    expect(run).toMatchObject({ state: 'failed', error: ENGINE_STOPPED })
  })
})

describe('forkSpawn', () => {
  it('starts the engine from source when no build is beside it', async () => {
    const sup = new EngineSupervisor(forkSpawn({ env }))
    await sup.start()
    expect((await sup.call('engine.info', {})).version).toMatch(/^\d+\.\d+\.\d+/)
    sup.stop()
  })
})
