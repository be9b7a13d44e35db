import { afterEach, describe, expect, it, vi } from 'vitest'
import { coalesce } from '../../../src/renderer/src/stores/coalesce'

afterEach(() => vi.useRealTimers())

describe('coalesce', () => {
  it('turns a burst of requests into one flush after the interval, and flushes at once on now()', () => {
    vi.useFakeTimers()
    const flush = vi.fn()
    const c = coalesce(flush, 250)
    for (let i = 0; i < 300; i++) c.request()
    expect(flush).not.toHaveBeenCalled()
    vi.advanceTimersByTime(249)
    expect(flush).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(flush).toHaveBeenCalledTimes(1)
    c.request()
    c.now()
    expect(flush).toHaveBeenCalledTimes(2)
    vi.advanceTimersByTime(1000)
    expect(flush).toHaveBeenCalledTimes(2)
  })
})
