/**
 * ApiClient.runJob against the two orders in which a job's messages can reach the window: the
 * response naming the job first, or — a quick job, with the engine's process and the serve bridge
 * forwarding events sooner than responses — the job's events first. Before the fix, the second
 * order left the caller waiting for ever (the Data view's "Checking…" under load).
 */
import { describe, expect, it } from 'vitest'
import { ApiClient, type Transport } from '../../../src/renderer/src/api/client'

/** A transport that answers each request with the given messages, in the given order. */
function scripted(reply: (request: { id: number }) => unknown[]): Transport {
  let deliver: (m: unknown) => void = () => undefined
  return {
    kind: 'websocket',
    send(message) {
      const messages = reply(message as { id: number })
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
      }),
    )
    const seen: string[] = []
    await expect(
      client.runJob('fit.significance', setup, (e) => seen.push(e.kind)),
    ).rejects.toThrow('boom')
    expect(seen).toEqual(['started', 'finished'])
  })

  it('finishes when the job’s events come before the response that names it', async () => {
    const client = new ApiClient(
      scripted(({ id }) => {
        const m = messages(id)
        return [m.started, m.other, m.finished, m.response]
      }),
    )
    const seen: string[] = []
    await expect(
      client.runJob('fit.significance', setup, (e) => seen.push(e.kind)),
    ).rejects.toThrow('boom')
    expect(seen).toEqual(['started', 'finished'])
  })
})
