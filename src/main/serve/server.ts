/**
 * Browser mode: serves the built renderer over HTTP and carries the engine API over a
 * WebSocket (`/api`), bound to 127.0.0.1 only and guarded by a token (security.ts).
 */
import { createReadStream, existsSync, statSync } from 'node:fs'
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, sep } from 'node:path'
import { pipeline } from 'node:stream'
import { WebSocket, WebSocketServer } from 'ws'
import type { EngineSupervisor } from '../host/supervisor'
import { answer } from '../host/host-methods'
import { apiSocketClass } from './api-socket'
import {
  ClientError,
  type Log,
  guardRequests,
  guardUpgrades,
  guarded,
  refuseUpgrade,
} from './guard'
import { authorise, cookieName, newToken, securityHeaders } from './security'
import { parseTarget } from './target'

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

/**
 * Largest WebSocket message a client may send, in bytes. Requests are small but for one: a
 * `data.addSample` may list a chain of 10 000 files (the contract's limit), and 10 000 paths of
 * Linux's longest (4095 bytes) make 41 MB of JSON. Only a holder of the token gets this far, on
 * a local server, so the bound is there against runaway memory, not against attackers.
 */
export const MAX_CLIENT_MESSAGE = 64 << 20

export interface ServeOptions {
  supervisor: EngineSupervisor
  /** Folder of the built renderer (index.html + assets). */
  rendererDir: string
  /** 0 picks a free port. */
  port?: number
  token?: string
  /** Where the server reports its own failures (default: stderr). */
  log?: Log
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
  const log: Log = options.log ?? ((line) => process.stderr.write(`hepwb serve: ${line}\n`))

  const server = createServer(
    guardRequests(
      (req, res) => {
        const target = parseTarget(req.url, req.headers.host ?? '')
        const verdict = authorise(req, target.query, token, port, false)
        const headers = securityHeaders(port)
        if (!verdict.ok) {
          res.writeHead(verdict.status, {
            ...headers,
            'Content-Type': 'text/plain; charset=utf-8',
          })
          res.end(
            verdict.status === 401
              ? 'HEP Workbench: open the URL printed by `hepwb serve` (it carries the access token).\n'
              : 'Forbidden\n',
          )
          return
        }
        if (verdict.viaQuery)
          headers['Set-Cookie'] = `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`
        serveStatic(req, res, target.path, rendererDir, headers)
      },
      () => securityHeaders(port),
      log,
    ),
  )
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_CLIENT_MESSAGE,
    WebSocket: apiSocketClass(MAX_CLIENT_MESSAGE),
  })
  wss.on('error', (e) => log(`WebSocket server error: ${e.message}`))
  server.on(
    'upgrade',
    guardUpgrades((req, socket, head) => {
      const target = parseTarget(req.url, req.headers.host ?? '')
      if (target.path !== '/api') throw new ClientError(404, 'Not Found')
      const verdict = authorise(req, target.query, token, port, true)
      if (!verdict.ok) {
        refuseUpgrade(socket, verdict.status)
        return
      }
      wss.handleUpgrade(req, socket, head, guarded(connect, onSocketError))
    }, log),
  )

  function onSocketError(e: unknown): void {
    log(`WebSocket handler failed: ${e instanceof Error ? e.message : String(e)}`)
  }

  /**
   * One client of the API. Every listener is guarded; the socket's 'error' (a frame over the
   * size limit, a malformed frame) is logged after `ws` has closed it with a code and a reason.
   */
  function connect(ws: WebSocket): void {
    ws.on('error', (e) => log(`WebSocket closed: ${e.message}`))
    const send = (msg: unknown): void => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg))
    }
    const unsubscribe = supervisor.onEvent(guarded(send, onSocketError))
    ws.on('close', guarded(unsubscribe, onSocketError))
    ws.on(
      'message',
      guarded(async (data: WebSocket.RawData, isBinary: boolean) => {
        let raw: unknown
        try {
          if (isBinary) throw new Error('binary messages are not part of the API')
          raw = JSON.parse(data.toString())
        } catch (e) {
          send({
            type: 'response',
            id: -1,
            ok: false,
            error: { code: 'invalid', message: `not a JSON request: ${(e as Error).message}` },
          })
          return
        }
        const a = await answer(supervisor, raw)
        send(
          a.ok
            ? { type: 'response', id: a.id ?? -1, ok: true, result: a.result }
            : { type: 'response', id: a.id ?? -1, ok: false, error: a.error },
        )
      }, onSocketError),
    )
    send({ type: 'event', event: 'engine', payload: supervisor.engineStatus() })
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  port = (server.address() as AddressInfo).port
  // From now on a server error (e.g. out of file descriptors on accept) is reported, not thrown.
  server.on('error', (e) => log(`server error: ${e.message}`))
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

/** Answers GET/HEAD of a file under `root`; `path` is the decoded request path (target.ts). */
function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  root: string,
  headers: Record<string, string>,
): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, headers).end()
    return
  }
  const rel = normalize(path === '/' ? '/index.html' : path)
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
  // A read error (the file vanished, a reset connection) ends this response only.
  if (req.method === 'HEAD') res.end()
  else pipeline(createReadStream(file), res, () => {})
}
