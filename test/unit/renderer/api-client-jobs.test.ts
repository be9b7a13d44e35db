/**
 * ApiClient.runJob against the two orders in which a job's messages can reach the window: the
 * response naming the job first, or — a quick job, with the engine's process and the serve bridge
 * forwarding events sooner than responses — the job's events first. Before the fix, the second
 * order left the caller waiting for ever (the Data view's "Checking…" under load). The client
 * attaches to the job it started (`jobs.attach`), so the engine's answer says how far the job got
 * (here: still running in the first order, already failed in the second).
 */
import { describe, expect, it } from 'vitest'
import { ApiClient, type Transport } from '../../../src/renderer/src/api/client'

/**
 * A transport that answers each request with the given messages, in the given order, and
 * `jobs.attach` with the job as the engine then knows it (`end`: how it ended, if it did).
 */
function scripted(
  reply: (request: { id: number }) => unknown[],
  end: { state: 'failed'; error: string } | null,
): Transport {
  let deliver: (m: unknown) => void = () => undefined
  return {
    kind: 'websocket',
    send(message) {
      const request = message as { id: number; method: string }
      const messages =
        request.method === 'jobs.attach'
          ? [
              {
                type: 'response',
                id: request.id,
                ok: true,
                result: { job: job('j1'), metrics: [], end },
              },
            ]
          : reply(request)
      // Each message in its own task, as a WebSocket delivers them.
      messages.forEach((m, i) => setTimeout(() => deliver(m), i))
    },
    onMessage(listener) {
      deliver = listener
    },
    onConnection() {},
  }
}

const job = (id: string) => ({
  id,
  method: 'fit.significance',
  title: 't',
  state: 'running',
  fraction: 0,
  message: '',
  startedAt: 0,
  eta: null,
  project: null,
  params: {},
})
const event = (payload: unknown) => ({ type: 'event', event: 'job', payload })
const response = (id: number) => ({ type: 'response', id, ok: true, result: { jobId: 'j1' } })
const messages = (id: number) => ({
  started: event({ kind: 'started', job: job('j1') }),
  other: event({ kind: 'finished', jobId: 'j0', state: 'done' }),
  finished: event({ kind: 'finished', jobId: 'j1', state: 'failed', error: 'boom' }),
  response: response(id),
})

const setup = { workspace: 'w', data: 'observed' } as never

describe('ApiClient.runJob', () => {
  it('finishes when the response comes before the job’s events', async () => {
    const client = new ApiClient(
      scripted(({ id }) => {
        const m = messages(id)
        return [m.started, m.response, m.other, m.finished]
      }, null),
    )
    const seen: string[] = []
    await expect(
      client.runJob('fit.significance', setup, (e) => seen.push(e.kind)),
    ).rejects.toThrow('boom')
    expect(seen).toEqual(['started', 'progress', 'finished'])
  })

  it('finishes when the job’s events come before the response that names it', async () => {
    const client = new ApiClient(
      scripted(
        ({ id }) => {
          const m = messages(id)
          return [m.started, m.other, m.finished, m.response]
        },
        { state: 'failed', error: 'boom' },
      ),
    )
    const seen: string[] = []
    await expect(
      client.runJob('fit.significance', setup, (e) => seen.push(e.kind)),
    ).rejects.toThrow('boom')
    expect(seen).toEqual(['started', 'progress', 'finished'])
  })
})

const CHECKED = { backend: 'cpu', size: 16, repeats: 1, gflops: 1.5, seconds: 0.1 }

describe('ApiClient.attachJob', () => {
  it('replays the metrics so far, and learns the end after a reconnect that missed it', async () => {
    let deliver: (m: unknown) => void = () => undefined
    let connection: (c: boolean) => void = () => undefined
    let attaches = 0
    const client = new ApiClient({
      kind: 'websocket',
      send(message) {
        const { id } = message as { id: number }
        attaches++
        const result =
          attaches === 1
            ? { job: job('j1'), metrics: [{ name: 'loss', step: 0, value: 0.7 }], end: null }
            : { job: job('j1'), metrics: [], end: { state: 'done', result: CHECKED } }
        setTimeout(() => deliver({ type: 'response', id, ok: true, result }), 0)
      },
      onMessage(listener) {
        deliver = listener
      },
      onConnection(listener) {
        connection = listener
      },
    })
    const seen: string[] = []
    const done = client.attachJob('ml.backendCheck', 'j1', (e) =>
      seen.push(e.kind === 'metric' ? `${e.name}@${e.step}` : e.kind),
    )
    await new Promise((r) => setTimeout(r, 10))
    expect(seen).toEqual(['started', 'progress', 'loss@0'])
    // The connection drops and comes back; the job ended meanwhile (its event was lost).
    connection(false)
    connection(true)
    await expect(done).resolves.toEqual(CHECKED)
    expect(attaches).toBe(2)
    expect(seen.at(-1)).toBe('finished')
  })
})
