/** Chart export decodes the chart's data: URL in memory (the CSP blocks fetch(data:…)). */
import { describe, expect, it } from 'vitest'
import { dataUrlToBlob } from '../../../src/renderer/src/components/charts/data-url'

describe('dataUrlToBlob', () => {
  it('decodes a base64 PNG data URL to its bytes and type', async () => {
    // The first 8 bytes of every PNG file, then 3 more.
    const bytes = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0x7f]
    const url = `data:image/png;base64,${Buffer.from(bytes).toString('base64')}`
    const blob = dataUrlToBlob(url)
    expect(blob.type).toBe('image/png')
    expect([...new Uint8Array(await blob.arrayBuffer())]).toEqual(bytes)
  })

  it('decodes a percent-encoded (non-base64) payload', async () => {
    const blob = dataUrlToBlob('data:image/svg+xml,%3Csvg%2F%3E')
    expect(blob.type).toBe('image/svg+xml')
    expect(await blob.text()).toBe('<svg/>')
  })

  it('names a URL that is not a data URL', () => {
    expect(() => dataUrlToBlob('blob:http://x/1')).toThrow(/not a data: URL/)
  })
})
