/**
 * The request target of an HTTP request (the `/path?query` of its first line), parsed once for
 * access control, the WebSocket upgrade and the static files. Any local process can send any
 * bytes here, so parsing never throws anything but a ClientError (answered 400).
 */
import { ClientError } from './guard'

export interface Target {
  /** The path with its percent-escapes decoded (UTF-8), e.g. `/assets/a b.js`. */
  path: string
  /** The query parameters (`token`, …); lenient like a browser's, it cannot fail. */
  query: URLSearchParams
}

/**
 * Parses an origin-form target (`/path?query`, RFC 9112 §3.2.1) or an absolute-form one
 * (`http://127.0.0.1:PORT/path?query`, §3.2.2) whose authority is `host` (the Host header, checked
 * by access control). Throws a ClientError (400) for anything else: an unparseable URL such as
 * `http://[::1`, a malformed or non-UTF-8 percent-escape (`/%`, `/%zz`, `/%c0%af`), a NUL byte, a
 * fragment.
 */
export function parseTarget(raw: string | undefined, host: string): Target {
  const target = raw ?? ''
  let pathPart: string
  let queryPart: string
  if (target.startsWith('/')) {
    const q = target.indexOf('?')
    pathPart = q < 0 ? target : target.slice(0, q)
    queryPart = q < 0 ? '' : target.slice(q + 1)
  } else if (/^http:\/\//i.test(target)) {
    let url: URL
    try {
      url = new URL(target)
    } catch {
      throw new ClientError(400, 'malformed request target')
    }
    if (url.host !== host) throw new ClientError(400, 'request target names another host')
    pathPart = url.pathname
    queryPart = url.search.slice(1)
  } else throw new ClientError(400, 'malformed request target')
  if (pathPart.includes('#') || queryPart.includes('#'))
    throw new ClientError(400, 'a request target carries no fragment')
  let path: string
  try {
    path = decodeURIComponent(pathPart)
  } catch {
    throw new ClientError(400, 'malformed percent-escape in the request path')
  }
  if (path.includes('\0')) throw new ClientError(400, 'NUL byte in the request path')
  return { path, query: new URLSearchParams(queryPart) }
}
