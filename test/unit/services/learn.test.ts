/**
 * The Learn service through the real engine (wire protocol, a real project file with the Kaggle
 * H→ττ CSVs): a playground on two project inputs and a 2-D slice of three, stepped batch by
 * batch; settings changed mid-run; a toy session; a lesson run to its end through `learn.step`.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inProcessEngine } from '../helpers/engine'
import { addKaggleSamples, kaggleColumn } from '../ml/kaggle-higgs'

const tmp = mkdtempSync(join(tmpdir(), 'hepwb-learn-'))
const engine = inProcessEngine()
afterAll(() => {
  engine.close()
  rmSync(tmp, { recursive: true, force: true })
})

beforeAll(async () => {
  await engine.call('project.create', { path: join(tmp, 'learn.hepwb') })
  await addKaggleSamples(engine)
}, 60_000)

describe('learn service', () => {
  it('trains on two project inputs, step by step, and the boundary changes', async () => {
    const { snapshot, data } = await engine.call('learn.open', {
      data: { kind: 'project', inputs: ['DER_mass_vis', 'DER_pt_h'] },
      settings: { layers: [16, 16], batchSize: 32 },
    })
    expect(data.plane.x).toBe('DER_mass_vis')
    expect(data.slice).toBe('')
    const n = data.events.train.signal + data.events.train.background
    // Every event with both inputs defined (NaN in the files is left out).
    const defined = (file: string) => {
      const a = kaggleColumn(file, 'DER_mass_vis')
      const b = kaggleColumn(file, 'DER_pt_h')
      return a.filter((v, i) => Number.isFinite(v) && Number.isFinite(b[i])).length
    }
    expect(n + data.events.test.signal + data.events.test.background).toBe(
      defined('train_sml_sig.csv') + defined('train_sml_bg.csv'),
    )
    expect(snapshot.step).toBe(0)
    let last = snapshot
    for (let k = 1; k <= 5; k++) {
      const next = await engine.call('learn.step', { session: snapshot.session, steps: 1 })
      expect(next.step).toBe(k)
      expect(next.boundary).not.toEqual(last.boundary)
      last = next
    }
    expect(last.gradientNorms).toHaveLength(3)
    expect(last.neurons.map((l) => l.length)).toEqual([16, 16])
    // Adding a neuron: the next snapshot has it, from new weights.
    const grown = await engine.call('learn.configure', {
      session: snapshot.session,
      settings: { ...last.settings, layers: [17, 16] },
    })
    expect(grown.neurons[0]).toHaveLength(17)
    expect(grown.step).toBe(0)
    const stepped = await engine.call('learn.step', { session: snapshot.session, steps: 40 })
    expect(stepped.step).toBe(40)
    expect(stepped.roc.aucTest).toBeGreaterThan(0.6)
    // A timed step trains at least one batch, however slow the machine.
    const played = await engine.call('learn.step', { session: snapshot.session, millis: 50 })
    expect(played.step).toBeGreaterThan(40)
  })

  it('a third input is held at its median on the plane', async () => {
    const { data } = await engine.call('learn.open', {
      data: { kind: 'project', inputs: ['DER_mass_vis', 'PRI_met', 'DER_pt_h'], plane: [0, 2] },
    })
    expect([data.plane.x, data.plane.y]).toEqual(['DER_mass_vis', 'DER_pt_h'])
    expect(data.inputs).toEqual(['DER_mass_vis', 'DER_pt_h', 'PRI_met'])
    expect(data.slice).toMatch(/^PRI_met = /)
    // The median of the training events: between the 40th and 60th percentile of all events.
    const all = [
      ...kaggleColumn('train_sml_sig.csv', 'PRI_met'),
      ...kaggleColumn('train_sml_bg.csv', 'PRI_met'),
    ].sort((a, b) => a - b)
    const median = Number(data.slice.split('= ')[1])
    expect(median).toBeGreaterThan(all[Math.floor(0.4 * all.length)])
    expect(median).toBeLessThan(all[Math.floor(0.6 * all.length)])
  })

  it('a session the engine no longer holds is said to have ended', async () => {
    const { snapshot } = await engine.call('learn.open', { data: { kind: 'toy' } })
    await engine.call('learn.close', { session: snapshot.session })
    await expect(engine.call('learn.step', { session: snapshot.session })).rejects.toThrow(
      /session has ended/,
    )
  })

  it('a bad input is refused with its name', async () => {
    await expect(
      engine.call('learn.open', { data: { kind: 'project', inputs: ['DER_mass_vis', 'nope'] } }),
    ).rejects.toThrow(/nope/)
  })

  it('runs a lesson to its end, stopping at each stage', async () => {
    const { snapshot } = await engine.call('learn.lesson', { id: 'linear-vs-hidden' })
    expect(snapshot.lesson?.stage).toBe(0)
    let s = snapshot
    let stops = 0
    while (!s.lesson?.done) {
      s = await engine.call('learn.step', { session: snapshot.session, steps: 10_000 })
      stops++
    }
    expect(stops).toBe(2)
    expect(s.lesson.verdict?.passed).toBe(true)
    expect(s.lesson.stages.map((x) => x.label)).toEqual(['linear', 'one hidden layer of 8'])
  })
  it('runs a study lesson (the autoencoder) stage by stage through learn.study', async () => {
    const lessons = await engine.call('learn.lessons', {})
    expect(lessons.find((l) => l.id === 'autoencoder-miss')?.engine).toBe('autoencoder')
    expect(lessons.find((l) => l.id === 'inferno-vs-bce')?.engine).toBe('inferno')
    let p = await engine.call('learn.study', { id: 'autoencoder-miss' })
    expect(p.stage).toBe(0)
    p = await engine.call('learn.studyStage', { run: p.run })
    expect(p.stage).toBe(1)
    expect(p.done).toBe(false)
    expect(p.stages[0].figures.map((f) => f.id)).toEqual(['ae-score', 'single-variable', 'roc'])
    p = await engine.call('learn.studyStage', { run: p.run })
    expect(p.done).toBe(true)
    expect(p.verdict?.passed).toBe(true)
    await expect(engine.call('learn.studyStage', { run: 'gone' })).rejects.toThrow(/has ended/)
    await expect(engine.call('learn.lesson', { id: 'autoencoder-miss' })).rejects.toThrow(
      /learn\.study/,
    )
  })
})
