/**
 * A `data:` URL decoded into a Blob in memory. Chart export must not `fetch()` the URL: the
 * Content-Security-Policy's `connect-src` (index.html, and the browser-mode server's header)
 * blocks `data:` there, and the export then failed without a word. Pure (no DOM), unit-tested.
 */

/**
 * The bytes and MIME type of `url` (`data:[<type>][;base64],<payload>`) as a Blob; throws an
 * Error naming what is wrong when `url` is not a data URL.
 */
export function dataUrlToBlob(url: string): Blob {
  const m = /^data:([^,]*?)(;base64)?,(.*)$/s.exec(url)
  if (!m) throw new Error(`not a data: URL (${url.slice(0, 16)}…)`)
  const type = m[1] || 'text/plain'
  if (!m[2]) return new Blob([decodeURIComponent(m[3])], { type })
  const text = atob(m[3])
  const bytes = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i)
  return new Blob([bytes], { type })
}
