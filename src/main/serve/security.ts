/**
 * Browser-mode access control: a random token per server, accepted from the URL's `token`
 * query parameter or from the HttpOnly cookie set on the first authorised page load; the Host
 * header must be the loopback address we bound (DNS rebinding), and a WebSocket's Origin must be
 * our own page (cross-site WebSocket hijacking).
 *
 * Browsers scope cookies by host, not port, and a page served from another port of 127.0.0.1
 * is "same-site" with ours, so `SameSite=Strict` does not stop its `<img src>` from carrying our
 * cookie. Hence the cookie's name carries the port (two servers no longer overwrite each other's
 * cookie), and the cookie vouches only for requests from our own page or the user's own
 * navigation (Fetch Metadata `Sec-Fetch-Site: same-origin | none`); a request from another
 * origin must carry the token itself.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/** The name of the cookie holding the token of the server on `port`. */
export function cookieName(port: number): string {
  return `hepwb_token_${port}`
}

export function newToken(): string {
  return randomBytes(24).toString('base64url')
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function cookieToken(req: IncomingMessage, port: number): string | undefined {
  const site = req.headers['sec-fetch-site']
  // No header: not a browser (or an old one), which sends cookies only as a browser would.
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return undefined
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === cookieName(port)) return v.join('=')
  }
  return undefined
}

export type Verdict =
  { ok: true; viaQuery: boolean } | { ok: false; status: 401 | 403; reason: string }

/** `query`: the request target's query parameters (target.ts). */
export function authorise(
  req: IncomingMessage,
  query: URLSearchParams,
  token: string,
  port: number,
  requireOrigin: boolean,
): Verdict {
  const host = req.headers.host ?? ''
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`)
    return { ok: false, status: 403, reason: 'wrong host' }
  if (requireOrigin) {
    const origin = req.headers.origin
    if (origin !== `http://127.0.0.1:${port}` && origin !== `http://localhost:${port}`)
      return { ok: false, status: 403, reason: 'wrong origin' }
  }
  const q = query.get('token')
  if (q !== null && same(q, token)) return { ok: true, viaQuery: true }
  const c = cookieToken(req, port)
  if (c !== undefined && same(c, token)) return { ok: true, viaQuery: false }
  return { ok: false, status: 401, reason: 'missing or wrong token' }
}

/** Strict CSP for the renderer: our own scripts only; ECharts needs inline style attributes. */
export function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': [
      "default-src 'none'",
      "script-src 'self' 'wasm-unsafe-eval'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self' data:",
      `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
      "object-src 'none'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  }
}
