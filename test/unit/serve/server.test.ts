/** Browser mode's access control and API relay, with a real engine process behind it. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { forkSpawn } from '../../../src/main/host/fork'
import { EngineSupervisor } from '../../../src/main/host/supervisor'
import { type RunningServer, startServer } from '../../../src/main/serve/server'

const env = {
  ...process.env,
  HEPWB_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'hepwb-cfg-')),
  HEPWB_BACKEND: 'cpu',
}

function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => (body += c.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

function openSocket(url: string, origin: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin })
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
  })
}

function reply(ws: WebSocket, id: number): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const msg = JSON.parse(data.toString()) as Record<string, unknown>
      if (msg.type === 'response' && msg.id === id) {
        ws.off('message', onMessage)
        resolve(msg)
      }
    }
    ws.on('message', onMessage)
  })
}

describe('browser-mode server', () => {
  const supervisor = new EngineSupervisor(forkSpawn({ env }))
  let server: RunningServer
  const renderer = mkdtempSync(join(tmpdir(), 'hepwb-renderer-'))

  beforeAll(async () => {
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>t</title>')
    mkdirSync(join(renderer, 'assets'))
    writeFileSync(join(renderer, 'assets', 'a.js'), 'console.log(1)')
    await supervisor.start()
    server = await startServer({ supervisor, rendererDir: renderer, port: 0 })
  }, 60_000)
  afterAll(async () => {
    await server.close()
    supervisor.stop()
  })

  it('listens on 127.0.0.1 only and prints a URL with the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`)
    expect(server.token.length).toBeGreaterThanOrEqual(32)
  })

  it('refuses HTTP without the token (401) and serves with it, with a strict CSP', async () => {
    const denied = await get(server.port, '/')
    expect(denied.status).toBe(401)
    expect(denied.body).not.toContain('<title>')
    expect((await get(server.port, '/assets/a.js')).status).toBe(401)
    expect((await get(server.port, `/?token=wrong${server.token}`)).status).toBe(401)

    const ok = await get(server.port, `/?token=${server.token}`)
    expect(ok.status).toBe(200)
    expect(ok.body).toContain('<title>t</title>')
    const csp = String(ok.headers['content-security-policy'])
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/)
    expect(ok.headers['x-frame-options']).toBe('DENY')
    // The page's own assets load with the cookie the first response set.
    const cookie = String(ok.headers['set-cookie']).split(';')[0]
    expect((await get(server.port, '/assets/a.js', { cookie })).status).toBe(200)
    expect((await get(server.port, '/assets/../../etc/passwd', { cookie })).status).toBe(404)
  })

  it('names its cookie after its port and honours it only from its own page or a navigation', async () => {
    const ok = await get(server.port, `/?token=${server.token}`)
    const cookie = String(ok.headers['set-cookie']).split(';')[0]
    // Cookies are scoped by host, not port: a second server on another port must not overwrite it.
    expect(cookie).toBe(`hepwb_token_${server.port}=${server.token}`)
    const from = (site: string) =>
      get(server.port, '/assets/a.js', { cookie, 'sec-fetch-site': site })
    expect((await from('same-origin')).status).toBe(200)
    expect((await from('none')).status).toBe(200)
    // An <img src> on a page another local server serves (another port: same site, not same origin).
    expect((await from('same-site')).status).toBe(401)
    expect((await from('cross-site')).status).toBe(401)
  })

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const r = await get(server.port, `/?token=${server.token}`, {
      host: `evil.example:${server.port}`,
    })
    expect(r.status).toBe(403)
  })

  it('closes WebSockets without the token or from another origin, relays calls with it', async () => {
    const origin = `http://127.0.0.1:${server.port}`
    const base = `ws://127.0.0.1:${server.port}/api`
    await expect(openSocket(base, origin)).rejects.toThrow(/401/)
    await expect(
      openSocket(`${base}?token=${server.token}`, 'http://evil.example'),
    ).rejects.toThrow(/403/)

    const ws = await openSocket(`${base}?token=${server.token}`, origin)
    const info = reply(ws, 7)
    ws.send(JSON.stringify({ type: 'request', id: 7, method: 'engine.info', params: {} }))
    expect(await info).toMatchObject({ ok: true, result: { backend: 'cpu' } })

    const bad = reply(ws, 8)
    ws.send(JSON.stringify({ type: 'request', id: 8, method: 'project.open', params: { path: 3 } }))
    expect(await bad).toMatchObject({ ok: false, error: { code: 'invalid' } })

    const garbage = reply(ws, -1)
    ws.send('{not json')
    expect(await garbage).toMatchObject({ ok: false, error: { code: 'invalid' } })

    // A chain of 10 000 files (the contract's limit) is a legal request of over 1 MiB: answered
    // by the engine (no project is open), not refused by the transport.
    const files = Array.from(
      { length: 10_000 },
      (_, i) => `/data/run-2024/skims/very-long-directory-name/sample-${i}-${'x'.repeat(100)}.root`,
    )
    const request = JSON.stringify({
      type: 'request',
      id: 10,
      method: 'data.addSample',
      params: {
        spec: { name: 'chain', role: 'background', colour: '#336699', files, table: 'Events' },
      },
    })
    expect(request.length).toBeGreaterThan(1 << 20)
    const chain = reply(ws, 10)
    ws.send(request)
    expect(await chain).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/project/) },
    })

    const status = reply(ws, 9)
    ws.send(JSON.stringify({ type: 'request', id: 9, method: 'engine.status', params: {} }))
    expect(await status).toMatchObject({ ok: true, result: { state: 'ready' } })
    ws.close()
  })
})
