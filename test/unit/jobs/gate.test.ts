/**
 * The job runner's pause gate every training loop awaits: a loop of 3 epochs × 4 batches driven
 * by it, paused, stepped by batch and by epoch, resumed and cancelled — counted batch by batch;
 * settings offered by the loop, changed while paused, applied at the next step.
 */
import { describe, expect, it } from 'vitest'
import { JobGate as PauseGate } from '../../../src/main/engine/jobs/gate'

const tick = () => new Promise((r) => setTimeout(r, 5))

/** A training loop of `epochs` × `batches`; records 'e<k>' per epoch start, 'b' per batch. */
function loop(gate: PauseGate, epochs = 3, batches = 4) {
  const log: string[] = []
  const done = (async () => {
    for (let e = 0; e < epochs; e++) {
      if (!(await gate.beforeEpoch())) return 'cancelled'
      log.push(`e${e}`)
      for (let b = 0; b < batches; b++) {
        if (!(await gate.beforeBatch())) return 'cancelled'
        log.push('b')
        gate.afterBatch(log.length)
      }
    }
    return 'done'
  })()
  return { log, done }
}

describe('PauseGate', () => {
  it('runs straight through when never paused', async () => {
    const g = new PauseGate(new AbortController().signal)
    const { log, done } = loop(g)
    expect(await done).toBe('done')
    expect(log.join('')).toBe('e0bbbbe1bbbbe2bbbb')
    expect(g.state).toEqual({ paused: false, epochs: 3, batches: 12, batchLoss: 15, settings: [] })
  })

  it('settles a step once its batch has run, with that batch’s loss (issue 17, item 15)', async () => {
    const g = new PauseGate(new AbortController().signal)
    g.pause()
    const { log, done } = loop(g)
    await tick()
    g.step('batch')
    await g.settled()
    // Answered after the batch ran, without waiting on a timer: its count and loss are there.
    expect(log.join('')).toBe('e0b')
    expect(g.state).toMatchObject({ paused: true, batches: 1, batchLoss: 2 })
    g.step('batch')
    await g.settled()
    expect(g.state).toMatchObject({ batches: 2, batchLoss: 3 })
    g.resume()
    expect(await done).toBe('done')
    // Not paused (or ended): nothing to wait for.
    g.close()
    await g.settled()
  })

  it('holds when paused; a batch step runs one batch, an epoch step finishes the epoch', async () => {
    const g = new PauseGate(new AbortController().signal)
    g.pause()
    const { log, done } = loop(g)
    await tick()
    expect(log).toEqual([]) // held before the first epoch
    g.step('batch')
    await tick()
    expect(log.join('')).toBe('e0b')
    g.step('batch')
    await tick()
    expect(log.join('')).toBe('e0bb')
    // Paused inside epoch 0: an epoch step finishes it, and holds at the next epoch's start.
    g.step('epoch')
    await tick()
    expect(log.join('')).toBe('e0bbbb')
    // At the boundary: an epoch step runs one whole epoch.
    g.step('epoch')
    await tick()
    expect(log.join('')).toBe('e0bbbbe1bbbb')
    expect(g.state).toEqual({ paused: true, epochs: 2, batches: 8, batchLoss: 10, settings: [] })
    g.resume()
    expect(await done).toBe('done')
    expect(log.join('')).toBe('e0bbbbe1bbbbe2bbbb')
  })

  it('pauses a running loop mid-epoch (it yields while running); refuses a step unless paused', async () => {
    const ac = new AbortController()
    const g = new PauseGate(ac.signal)
    expect(() => g.step('epoch')).toThrow(/not paused/)
    // Batches of 2 ms busy work: the timer below fires only because the gate yields.
    const log: string[] = []
    const done = (async () => {
      for (let e = 0; e < 3; e++) {
        if (!(await g.beforeEpoch())) return 'cancelled'
        log.push(`e${e}`)
        for (let b = 0; b < 200; b++) {
          if (!(await g.beforeBatch())) return 'cancelled'
          const t = performance.now()
          while (performance.now() - t < 2);
          log.push('b')
        }
      }
      return 'done'
    })()
    await new Promise((r) => setTimeout(r, 100))
    g.pause()
    await tick()
    const n = log.length
    await new Promise((r) => setTimeout(r, 60))
    expect(log.length).toBe(n)
    // Held inside the first epoch (it takes ≥ 400 ms), within ~40 ms of the request.
    expect(g.state.epochs).toBe(1)
    expect(g.state.batches).toBeGreaterThan(0)
    expect(g.state.batches).toBeLessThan(200)
    g.step('epoch')
    // The rest of the epoch runs (≥ 2 ms a batch; polled, as a loaded machine is slower) …
    for (let t = 0; g.state.batches < 200 && t < 500; t++) await tick()
    // … and nothing after it: held at the start of the next epoch.
    await new Promise((r) => setTimeout(r, 100))
    expect(g.state).toMatchObject({ paused: true, epochs: 1, batches: 200 })
    ac.abort()
    expect(await done).toBe('cancelled')
  })

  it('cancels while paused: the waiting loop gets false at once', async () => {
    const ac = new AbortController()
    const g = new PauseGate()
    g.pause()
    const { log, done } = loop(g.cancelOn(ac.signal))
    await tick()
    ac.abort()
    expect(await done).toBe('cancelled')
    expect(log).toEqual([])
  })

  it('applies a setting changed while paused at the next step, not before', async () => {
    const g = new PauseGate(new AbortController().signal)
    let lr = 0.1
    const seen: number[] = []
    const withdraw = g.offer('learningRate', {
      get value() {
        return lr
      },
      check: (v) => (typeof v === 'number' && v > 0 ? null : 'must be a positive number'),
      apply: (v) => (lr = v as number),
    })
    g.pause()
    const done = (async () => {
      for (let e = 0; e < 2; e++) {
        if (!(await g.beforeEpoch())) return 'cancelled'
        for (let b = 0; b < 3; b++) {
          if (!(await g.beforeBatch())) return 'cancelled'
          seen.push(lr)
        }
      }
      return 'done'
    })()
    g.step('batch')
    await g.settled()
    expect(seen).toEqual([0.1])
    g.set('learningRate', 0.01)
    // Queued, shown as pending, not yet used.
    expect(g.state.settings).toEqual([{ name: 'learningRate', value: 0.01, pending: true }])
    expect(lr).toBe(0.1)
    await new Promise((r) => setTimeout(r, 20))
    expect(seen).toEqual([0.1])
    g.step('batch')
    await g.settled()
    expect(seen).toEqual([0.1, 0.01])
    expect(g.state.settings).toEqual([{ name: 'learningRate', value: 0.01, pending: false }])
    // Refused, saying why / what can be changed; nothing queued.
    expect(() => g.set('learningRate', -1)).toThrow(/learningRate must be a positive number/)
    expect(() => g.set('momentum', 0.5)).toThrow(/'momentum' cannot be changed.*'learningRate'/)
    g.resume()
    expect(await done).toBe('done')
    withdraw()
    expect(g.state.settings).toEqual([])
  })
})
