/**
 * Browser mode under hostile traffic: a seeded few hundred malformed request targets, headers,
 * percent-escapes and WebSocket frames, sent over raw sockets to the real server (with a real
 * engine behind it) on a loopback port, with and without the token. Every request is answered
 * (never 5xx, never a dead server), and after each batch the page and the API still answer.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { type Socket, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { Random } from '../../../src/main/engine/data/random'
import { forkSpawn } from '../../../src/main/host/fork'
import { EngineSupervisor } from '../../../src/main/host/supervisor'
import { MAX_CLIENT_MESSAGE, type RunningServer, startServer } from '../../../src/main/serve/server'

const env = {
  ...process.env,
  HEPWB_CONFIG_DIR: mkdtempSync(join(tmpdir(), 'hepwb-cfg-')),
  HEPWB_BACKEND: 'cpu',
}

/**
 * Sends raw bytes on a fresh connection to the server; resolves with all bytes received until
 * the server closes it (or after 3 s). `then` runs once the bytes are written; `onFirstData`
 * when the first answer arrives.
 */
function raw(
  port: number,
  bytes: Buffer | string,
  then?: (socket: Socket) => void,
  onFirstData?: (socket: Socket) => void,
): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    const socket = connect({ host: '127.0.0.1', port })
    const done = () => {
      clearTimeout(timer)
      socket.destroy()
      resolve(Buffer.concat(chunks))
    }
    const timer = setTimeout(done, 3000)
    socket.on('data', (c) => {
      chunks.push(c)
      if (chunks.length === 1) onFirstData?.(socket)
    })
    socket.on('error', done)
    socket.on('close', done)
    socket.on('connect', () => {
      socket.write(bytes)
      then?.(socket)
    })
  })
}

/** The status code of the first final HTTP response in `reply` (0 when there is none). */
function status(reply: Buffer): number {
  const m = /^(?:HTTP\/1\.1 100 [^\r]*\r\n\r\n)?HTTP\/1\.1 (\d{3}) /.exec(reply.toString('latin1'))
  return m ? Number(m[1]) : 0
}

/** One GET with these header lines (`Connection: close` unless they say otherwise). */
function request(port: number, target: string, headers: string[]): Promise<Buffer> {
  const all = headers.some((h) => /^connection:/i.test(h))
    ? headers
    : [...headers, 'Connection: close']
  return raw(port, `GET ${target} HTTP/1.1\r\n${all.map((h) => h + '\r\n').join('')}\r\n`)
}

/** A client frame (RFC 6455 §5.2), masked unless said otherwise; `length` may lie. */
function frame(o: {
  opcode: number
  payload?: Buffer
  fin?: boolean
  rsv?: number
  mask?: boolean
  length?: bigint
}): Buffer {
  const payload = o.payload ?? Buffer.alloc(0)
  const length = o.length ?? BigInt(payload.length)
  const mask = o.mask ?? true
  const head = [((o.fin ?? true) ? 0x80 : 0) | ((o.rsv ?? 0) << 4) | o.opcode]
  const m = mask ? 0x80 : 0
  let ext = Buffer.alloc(0)
  if (length < 126n) head.push(m | Number(length))
  else if (length < 65536n) {
    head.push(m | 126)
    ext = Buffer.alloc(2)
    ext.writeUInt16BE(Number(length))
  } else {
    head.push(m | 127)
    ext = Buffer.alloc(8)
    ext.writeBigUInt64BE(length)
  }
  const key = mask ? randomBytes(4) : Buffer.alloc(0)
  const body = Buffer.from(payload)
  if (mask) for (let i = 0; i < body.length; i++) body[i] ^= key[i % 4]
  return Buffer.concat([Buffer.from(head), ext, key, body])
}

/** The close frame the server sent among `bytes` after the handshake, if any. */
function closeFrame(bytes: Buffer): { code: number; reason: string } | null {
  let i = bytes.indexOf('\r\n\r\n')
  if (i < 0) return null
  i += 4
  while (i + 2 <= bytes.length) {
    const opcode = bytes[i] & 0x0f
    let len = bytes[i + 1] & 0x7f
    let at = i + 2
    if (len === 126) {
      len = bytes.readUInt16BE(at)
      at += 2
    } else if (len === 127) {
      len = Number(bytes.readBigUInt64BE(at))
      at += 8
    }
    if (opcode === 0x8)
      return len >= 2
        ? { code: bytes.readUInt16BE(at), reason: bytes.subarray(at + 2, at + len).toString() }
        : { code: 1005, reason: '' }
    i = at + len
  }
  return null
}

describe('browser-mode server under malformed traffic', () => {
  const supervisor = new EngineSupervisor(forkSpawn({ env }))
  const renderer = mkdtempSync(join(tmpdir(), 'hepwb-renderer-'))
  const failures: string[] = []
  let server: RunningServer
  let port: number
  let token: string
  const rng = new Random(17)
  const pick = <T>(a: readonly T[]): T => a[rng.int(a.length)]

  beforeAll(async () => {
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>t</title>')
    await supervisor.start()
    server = await startServer({
      supervisor,
      rendererDir: renderer,
      port: 0,
      log: (line) => failures.push(line),
    })
    port = server.port
    token = server.token
  }, 60_000)
  afterAll(async () => {
    await server?.close()
    supervisor.stop()
  })

  const host = () => `Host: 127.0.0.1:${port}`

  /** The page and the API both still answer, and no handler has failed (no 5xx, no crash). */
  async function stillServing(): Promise<void> {
    expect(status(await request(port, `/?token=${token}`, [host()]))).toBe(200)
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${token}`, {
      origin: `http://127.0.0.1:${port}`,
    })
    const answer = new Promise<Record<string, unknown>>((resolve, reject) => {
      ws.on('error', reject)
      ws.on('message', (d: WebSocket.RawData) => {
        const m = JSON.parse(d.toString()) as Record<string, unknown>
        if (m.type === 'response') resolve(m)
      })
    })
    ws.on('open', () =>
      ws.send(JSON.stringify({ type: 'request', id: 1, method: 'engine.status', params: {} })),
    )
    expect(await answer).toMatchObject({ id: 1, ok: true, result: { state: 'ready' } })
    ws.close()
    expect(failures.filter((l) => !l.startsWith('WebSocket closed:'))).toEqual([])
  }

  it('answers 400 to a malformed request target or percent-escape, with or without the token', async () => {
    const bad = [
      'http://[::1',
      'http://[::1]:80/',
      'http://evil.example/',
      '*',
      'index.html',
      '/%',
      '/%zz',
      '/a%2',
      '/%e0%80',
      '/%c0%af',
      '/%ff',
      '/%00',
      '/assets/%E2%82',
      '/#fragment',
    ]
    for (const target of bad)
      for (const auth of ['', `?token=${token}`]) {
        const t = target + (target.includes('?') ? auth.replace('?', '&') : auth)
        expect(status(await request(port, t, [host()])), t).toBe(400)
      }
    // An <img src> on a page another local server serves: cross-port, same-site.
    expect(
      status(await request(port, '/%', [host(), `Cookie: hepwb_token_${port}=${token}`])),
    ).toBe(400)
    await stillServing()
  })

  it('survives a seeded batch of random request targets', async () => {
    const parts = [
      '%',
      '/',
      '?',
      '#',
      '[',
      ']',
      ':',
      '@',
      '.',
      '..',
      '\\',
      'a',
      'Z',
      '0',
      'f',
      '%ff',
      '%e2%82',
      '%2f',
      '%2e%2e',
      'é',
      '😀',
      '&',
      '=',
      'token=',
      `token=${token}`,
      'http://',
      '[::1',
      '%%',
      '%0',
      '%00',
      ' ',
      '\t',
      '//',
      'assets',
      'index.html',
    ]
    for (let n = 0; n < 200; n++) {
      const start = pick(['/', '', 'http://', `http://127.0.0.1:${port}/`, 'HTTP://['])
      let t = start
      for (let k = 1 + rng.int(12); k > 0; k--) t += pick(parts)
      if (rng.uniform() < 0.5) t += (t.includes('?') ? '&' : '?') + `token=${token}`
      const headers = [host()]
      if (rng.uniform() < 0.3) headers.push(`Cookie: hepwb_token_${port}=${token}`)
      const s = status(await request(port, t.replace(/ /g, pick(['%20', ' '])), headers))
      expect([200, 400, 401, 403, 404, 405], JSON.stringify(t)).toContain(s)
    }
    await stillServing()
  })

  it('survives a seeded batch of bad headers and upgrades', async () => {
    const key = () => `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`
    const upgrade = ['Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Version: 13']
    const choices: (() => { target: string; headers: string[] })[] = [
      () => ({ target: '/', headers: [] }),
      () => ({ target: `/?token=${token}`, headers: ['Host: evil.example'] }),
      () => ({ target: `/?token=${token}`, headers: [host(), host()] }),
      () => ({ target: '/', headers: [`Host: [::1`] }),
      () => ({ target: '/', headers: [host(), `X-Big: ${'x'.repeat(20_000 + rng.int(50_000))}`] }),
      () => ({ target: '/', headers: [host(), 'Bad Name: 1'] }),
      () => ({ target: '/', headers: [host(), 'X: \u0001\u0002'] }),
      () => ({ target: '/', headers: [host(), `Cookie: hepwb_token_${port}=%; =; ;;=${token}`] }),
      () => ({
        target: '/',
        headers: [host(), `Cookie: hepwb_token_${port}=${token}`, 'Sec-Fetch-Site: same-site'],
      }),
      () => ({ target: '/', headers: [host(), 'Content-Length: -1'] }),
      () => ({ target: `/?token=${token}`, headers: [host(), 'Content-Length: 100000'] }),
      () => ({ target: '/', headers: [host(), 'Expect: 100-continue', 'Content-Length: 5'] }),
      () => ({ target: '/', headers: [host(), 'Content-Length: 1', 'Content-Length: 2'] }),
      () => ({ target: '/', headers: [host(), 'Transfer-Encoding: chunked, identity'] }),
      () => ({ target: '/api', headers: [host(), ...upgrade, key()] }),
      () => ({ target: `/api%zz?token=${token}`, headers: [host(), ...upgrade, key()] }),
      () => ({ target: 'http://[::1', headers: [host(), ...upgrade, key()] }),
      () => ({ target: `/nope?token=${token}`, headers: [host(), ...upgrade, key()] }),
      () => ({
        target: `/api?token=${token}`,
        headers: [host(), 'Origin: http://127.0.0.1:1', ...upgrade, key()],
      }),
      () => ({
        target: `/api?token=${token}`,
        headers: [host(), `Origin: http://127.0.0.1:${port}`, ...upgrade, 'Sec-WebSocket-Key: x'],
      }),
      () => ({
        target: `/api?token=${token}`,
        headers: [
          host(),
          `Origin: http://127.0.0.1:${port}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          'Sec-WebSocket-Version: 99',
          key(),
        ],
      }),
    ]
    for (let n = 0; n < 120; n++) {
      const { target, headers } = pick(choices)()
      const s = status(await request(port, target, headers))
      expect(s, `${target} ${headers.join(' | ').slice(0, 200)}`).toBeGreaterThanOrEqual(200)
      expect(s).toBeLessThan(500)
    }
    // A reset right after an upgrade request (Node hands that socket over without an 'error'
    // listener of its own).
    for (let n = 0; n < 20; n++)
      await raw(
        port,
        `GET /api HTTP/1.1\r\n${host()}\r\n${upgrade.join('\r\n')}\r\n${key()}\r\n\r\n`,
        (socket) => socket.resetAndDestroy(),
      )
    await stillServing()
  })

  it('closes a malformed or oversized WebSocket frame with a code and a reason', async () => {
    const handshake =
      `GET /api?token=${token} HTTP/1.1\r\n${host()}\r\nOrigin: http://127.0.0.1:${port}\r\n` +
      'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n' +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n\r\n`
    const tooBig = BigInt(MAX_CLIENT_MESSAGE) + 1n
    const frames: [number, () => Buffer][] = [
      [1002, () => frame({ opcode: 0x1, payload: Buffer.from('{}'), mask: false })],
      [1002, () => frame({ opcode: 0x3 + rng.int(5), payload: Buffer.from('x') })],
      [1002, () => frame({ opcode: 0x1, payload: Buffer.from('{}'), rsv: 1 + rng.int(7) })],
      [1002, () => frame({ opcode: 0x9, payload: Buffer.alloc(126 + rng.int(100)) })],
      [1002, () => frame({ opcode: 0x9, fin: false })],
      [1002, () => frame({ opcode: 0x0, payload: Buffer.from('orphan continuation') })],
      [1002, () => frame({ opcode: 0x8, payload: Buffer.from([0x03, 0xe7]) })],
      [1007, () => frame({ opcode: 0x1, payload: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) })],
      [1009, () => frame({ opcode: 0x1, length: tooBig + BigInt(rng.int(1 << 30)) })],
      [1009, () => frame({ opcode: 0x2, length: 1n << 63n })],
    ]
    for (let n = 0; n < 60; n++) {
      const [code, make] = pick(frames)
      // The bad frame goes once the handshake is answered; the server must then close.
      const reply = await raw(port, handshake, undefined, (socket) => socket.write(make()))
      expect(status(reply)).toBe(101)
      const close = closeFrame(reply)
      expect(close?.code).toBe(code)
      expect(close?.reason.length).toBeGreaterThan(0)
    }
    await stillServing()
  }, 30_000)

  it('closes a message over the limit with 1009 and a reason; the server and engine stay up', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api?token=${token}`, {
      origin: `http://127.0.0.1:${port}`,
    })
    await new Promise((resolve) => ws.on('open', resolve))
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    )
    ws.on('error', () => undefined)
    ws.send('"' + 'x'.repeat(MAX_CLIENT_MESSAGE) + '"')
    const { code, reason } = await closed
    expect(code).toBe(1009)
    expect(reason).toMatch(/too big.*MiB/)
    await stillServing()
  }, 30_000)
})
