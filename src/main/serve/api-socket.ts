/**
 * The server side of the `/api` WebSocket. When a client's frame breaks the protocol or the size
 * limit, `ws` closes the connection with a status code but no reason; this class adds one in
 * words, so the client (and whoever reads its console) learns why it was closed.
 */
import { WebSocket } from 'ws'

/** Reasons for the codes `ws`'s frame parser closes with (RFC 6455 §7.4.1); ≤ 123 bytes each. */
function reasons(maxMessageBytes: number): Record<number, string> {
  const mib = (maxMessageBytes / (1 << 20)).toFixed(0)
  return {
    1002: 'malformed WebSocket frame',
    1007: 'a text message that is not valid UTF-8',
    1008: 'a message in too many fragments',
    1009: `message too big: a request may be at most ${mib} MiB`,
  }
}

/** A WebSocket class (for WebSocketServer's `WebSocket` option) that closes with a reason. */
export function apiSocketClass(maxMessageBytes: number): typeof WebSocket {
  const known = reasons(maxMessageBytes)
  return class ApiSocket extends WebSocket {
    override close(code?: number, data?: string | Buffer): void {
      super.close(code, data ?? (code === undefined ? undefined : known[code]))
    }
  }
}
