import { describe, expect, it } from 'vitest'
import { EngineMessage, JobEvent, parseRequest } from '../../../src/shared/api'

describe('contract validation', () => {
  it.each([
    [null, null, /malformed request/],
    ['text', null, /malformed request/],
    [{ type: 'request', method: 'engine.info', params: {} }, null, /id/],
    [{ type: 'request', id: 1.5, method: 'engine.info', params: {} }, 1.5, /id/],
    [{ type: 'request', id: 3, method: 'nope', params: {} }, 3, /unknown method 'nope'/],
    [{ type: 'request', id: 4, method: 'engine.info', params: { x: 1 } }, 4, /engine.info/],
    [{ type: 'request', id: 5, method: 'project.open', params: {} }, 5, /project.open: path/],
    [
      { type: 'request', id: 6, method: 'project.open', params: { path: '' } },
      6,
      /a file path is required/,
    ],
    [{ type: 'request', id: 7, method: 'ml.backendCheck', params: { size: 1e9 } }, 7, /size/],
    [{ type: 'request', id: 8, method: 'jobs.cancel', params: { jobId: 5 } }, 8, /jobId/],
    [{ type: 'request', id: 9, method: 'toString', params: {} }, 9, /unknown method/],
    [{ type: 'request', id: 10, method: '__proto__', params: {} }, 10, /unknown method/],
  ])('rejects %j', (msg, id, message) => {
    const r = parseRequest(msg)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.message).toMatch(message)
      expect(r.id).toBe(Number.isInteger(id) ? id : null)
    }
  })

  it('accepts valid requests and applies defaults', () => {
    const r = parseRequest({ type: 'request', id: 1, method: 'ml.backendCheck', params: {} })
    expect(r).toEqual({
      ok: true,
      request: {
        type: 'request',
        id: 1,
        method: 'ml.backendCheck',
        params: { size: 256, repeats: 20 },
      },
    })
    expect(parseRequest({ type: 'request', id: 2, method: 'engine.info' }).ok).toBe(true)
  })

  it('validates engine messages and job events', () => {
    expect(EngineMessage.safeParse({ type: 'response', id: 1, ok: true, result: 5 }).success).toBe(
      true,
    )
    expect(EngineMessage.safeParse({ type: 'response', id: 1, ok: false }).success).toBe(false)
    expect(EngineMessage.safeParse({ type: 'event', event: 'nope', payload: {} }).success).toBe(
      false,
    )
    expect(
      JobEvent.safeParse({ kind: 'progress', jobId: 'a', fraction: 0.5, message: '', eta: null })
        .success,
    ).toBe(true)
    expect(JobEvent.safeParse({ kind: 'finished', jobId: 'a', state: 'exploded' }).success).toBe(
      false,
    )
  })
})
