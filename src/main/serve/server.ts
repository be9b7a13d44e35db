/**
 * Browser mode: serves the built renderer over HTTP and carries the engine API over a
 * WebSocket (`/api`), bound to 127.0.0.1 only and guarded by a token (security.ts).
 */
import { createReadStream, existsSync, statSync } from 'node:fs'
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, sep } from 'node:path'
import { WebSocket, WebSocketServer } from 'ws'
import type { EngineSupervisor } from '../host/supervisor'
import { answer } from '../host/host-methods'
import { COOKIE, authorise, newToken, securityHeaders } from './security'

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
}

/** Largest WebSocket message a client may send (requests are small; data flows the other way). */
const MAX_CLIENT_MESSAGE = 1 << 20

export interface ServeOptions {
  supervisor: EngineSupervisor
  /** Folder of the built renderer (index.html + assets). */
  rendererDir: string
  /** 0 picks a free port. */
  port?: number
  token?: string
}

export interface RunningServer {
  url: string
  port: number
  token: string
  close(): Promise<void>
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? newToken()
  const { supervisor, rendererDir } = options
  if (!existsSync(join(rendererDir, 'index.html')))
    throw new Error(`no built renderer in ${rendererDir}; run \`npm run build\` first`)
  let port = 0

  const server = createServer((req, res) => {
    const verdict = authorise(req, token, port, false)
    const headers = securityHeaders(port)
    if (!verdict.ok) {
      res.writeHead(verdict.status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' })
      res.end(
        verdict.status === 401
          ? 'HEP Workbench: open the URL printed by `hepwb serve` (it carries the access token).\n'
          : 'Forbidden\n',
      )
      return
    }
    if (verdict.viaQuery)
      headers['Set-Cookie'] = `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`
    serveStatic(req, res, rendererDir, headers)
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE })
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const verdict = authorise(req, token, port, true)
    if (path !== '/api' || !verdict.ok) {
      const status = path !== '/api' ? 404 : verdict.ok ? 200 : verdict.status
      socket.end(
        `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : 'Forbidden'}\r\nConnection: close\r\n\r\n`,
      )
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => connect(ws))
  })

  function connect(ws: WebSocket): void {
    const unsubscribe = supervisor.onEvent((msg) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg))
    })
    ws.on('close', unsubscribe)
    ws.on('message', (data, isBinary) => {
      let raw: unknown
      try {
        if (isBinary) throw new Error('binary messages are not part of the API')
        raw = JSON.parse(data.toString())
      } catch (e) {
        ws.send(
          JSON.stringify({
            type: 'response',
            id: -1,
            ok: false,
            error: { code: 'invalid', message: `not a JSON request: ${(e as Error).message}` },
          }),
        )
        return
      }
      void answer(supervisor, raw).then((a) => {
        if (ws.readyState !== WebSocket.OPEN) return
        ws.send(
          JSON.stringify(
            a.ok
              ? { type: 'response', id: a.id ?? -1, ok: true, result: a.result }
              : { type: 'response', id: a.id ?? -1, ok: false, error: a.error },
          ),
        )
      })
    })
    ws.send(JSON.stringify({ type: 'event', event: 'engine', payload: supervisor.engineStatus() }))
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate()
        wss.close()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  root: string,
  headers: Record<string, string>,
): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, headers).end()
    return
  }
  const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
  const rel = normalize(pathname === '/' ? '/index.html' : pathname)
  const file = join(root, rel)
  if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
    res
      .writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' })
      .end('Not found\n')
    return
  }
  const type = TYPES[extname(file)] ?? 'application/octet-stream'
  // Hashed asset names may be cached; the page itself never (it carries no state anyway).
  const cache = rel.startsWith(`${sep}assets${sep}`)
    ? 'private, max-age=31536000, immutable'
    : 'no-store'
  res.writeHead(200, { ...headers, 'Content-Type': type, 'Cache-Control': cache })
  if (req.method === 'HEAD') res.end()
  else createReadStream(file).pipe(res)
}
