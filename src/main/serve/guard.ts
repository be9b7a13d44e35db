/**
 * The browser-mode server's one error boundary. Every HTTP request, WebSocket upgrade and
 * WebSocket event runs inside these wrappers, so an error in a handler — a malformed request
 * target, a bad percent-escape, a frame over the size limit, a connection reset mid-answer — is
 * answered (400, 404, 500) or logged, and never reaches the process's uncaught-exception path,
 * where it would take the server, the engine and its running jobs down.
 */
import { type IncomingMessage, STATUS_CODES, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'

/** An error the client caused: answered with its status and its message (never a stack). */
export class ClientError extends Error {
  constructor(
    readonly status: 400 | 404 | 405,
    message: string,
  ) {
    super(message)
    this.name = 'ClientError'
  }
}

/** Where the server reports its own failures (one line each). */
export type Log = (line: string) => void

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

/**
 * Runs `fn` (synchronous or async) and hands any error, thrown or rejected, to `onError` instead
 * of letting it escape to the event emitter that called it.
 */
export function guarded<A extends unknown[]>(
  fn: (...args: A) => unknown,
  onError: (e: unknown) => void,
): (...args: A) => void {
  return (...args) => {
    try {
      const r = fn(...args)
      if (r instanceof Promise) r.catch(onError)
    } catch (e) {
      onError(e)
    }
  }
}

/**
 * A request listener that answers every error of `handler`: a ClientError with its status, any
 * other error 500 (logged); a response already under way is cut off.
 */
export function guardRequests(
  handler: (req: IncomingMessage, res: ServerResponse) => unknown,
  headers: () => Record<string, string>,
  log: Log,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) =>
    guarded(handler, (e) => {
      const client = e instanceof ClientError
      if (!client) log(`${req.method} request failed: ${describe(e)}`)
      if (res.headersSent) {
        res.destroy()
        return
      }
      const status = client ? e.status : 500
      try {
        res
          .writeHead(status, { ...headers(), 'Content-Type': 'text/plain; charset=utf-8' })
          .end(`${client ? e.message : STATUS_CODES[status]}\n`)
      } catch {
        res.destroy()
      }
    })(req, res)
}

/** Answers a WebSocket upgrade with an HTTP error and closes the connection. */
export function refuseUpgrade(socket: Duplex, status: number, reason?: string): void {
  const body = `${reason ?? STATUS_CODES[status] ?? 'Error'}\n`
  if (socket.writable)
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\nConnection: close\r\n` +
        `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    )
  else socket.destroy()
}

/**
 * An 'upgrade' listener that answers every error of `handler` (ClientError: its status; others:
 * 500, logged). Node hands the raw socket over without an 'error' listener, so a client that
 * resets it would otherwise raise an uncaught 'error': one is attached before anything else.
 */
export function guardUpgrades(
  handler: (req: IncomingMessage, socket: Duplex, head: Buffer) => unknown,
  log: Log,
): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    socket.on('error', () => socket.destroy())
    guarded(handler, (e) => {
      const client = e instanceof ClientError
      if (!client) log(`WebSocket upgrade failed: ${describe(e)}`)
      refuseUpgrade(socket, client ? e.status : 500, client ? e.message : undefined)
    })(req, socket, head)
  }
}
