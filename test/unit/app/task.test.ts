/**
 * The inline executor and a use case's partitions run on one loop (app/executor.ts runInOrder):
 * a task that reports its own progress moves the job's bar only within its share, as the pool
 * and the cluster count it; what a task reports through its context comes back on the run's
 * per-task channel when asked for.
 */
import { describe, expect, it } from 'vitest'
import { mapMerge } from '../../../src/main/engine/app/executor'
import type { Partition } from '../../../src/main/engine/app/partition'
import {
  defineTask,
  inlineExecutor,
  type Task,
  type TaskMessage,
} from '../../../src/main/engine/app/task'
import { silentContext, type JobContext } from '../../../src/main/engine/jobs/context'

// A task that reports its own progress from 0 to 1 in five steps, a metric per step.
defineTask('test.progress-steps', async (payload, ctx) => {
  for (let k = 0; k <= 4; k++) {
    ctx.progress(k / 4, `step ${k}`)
    ctx.metric('step', k, (payload as number) * 10 + k)
    await new Promise((r) => setImmediate(r))
  }
  ctx.log(`task ${payload as number} done`)
  return payload
})

/** A context that records every progress report with the task running when it came. */
function recording(running: () => number) {
  const seen: { task: number; fraction: number }[] = []
  const metrics: string[] = []
  const ctx: JobContext = {
    ...silentContext(),
    progress: (fraction) => seen.push({ task: running(), fraction }),
    metric: (name, step, value) => metrics.push(`${name} ${step} ${value}`),
  }
  return { ctx, seen, metrics }
}

describe('one loop for inline tasks and partitions', () => {
  it('a task reporting 0 → 1 run inline in a job of 4 keeps the bar monotone and within its share', async () => {
    let running = -1
    const tasks: Task[] = [0, 1, 2, 3].map((i) => ({ kind: 'test.progress-steps', payload: i }))
    const { ctx, seen } = recording(() => running)
    const results: unknown[] = []
    // The task index that runs is the one whose result comes next.
    running = 0
    await inlineExecutor.run(tasks, ctx, (i, r) => {
      results.push(r)
      running = i + 1
    })
    expect(results).toEqual([0, 1, 2, 3])
    expect(seen.length).toBeGreaterThan(4 * 5)
    for (let k = 1; k < seen.length; k++)
      expect(seen[k].fraction).toBeGreaterThanOrEqual(seen[k - 1].fraction)
    for (const { task, fraction } of seen.filter((s) => s.task < 4)) {
      expect(fraction).toBeLessThanOrEqual((task + 1) / 4 + 1e-12)
      expect(fraction).toBeGreaterThanOrEqual(task / 4 - 1e-12)
    }
    expect(seen[seen.length - 1].fraction).toBe(1)
  })

  it('weights share the bar as the pool and the cluster do', async () => {
    let running = 0
    const tasks: Task[] = [0, 1].map((i) => ({ kind: 'test.progress-steps', payload: i }))
    const { ctx, seen } = recording(() => running)
    await inlineExecutor.run(tasks, ctx, (i) => (running = i + 1), [3, 1])
    expect(Math.max(...seen.filter((s) => s.task === 0).map((s) => s.fraction))).toBe(0.75)
    expect(Math.min(...seen.filter((s) => s.task === 1).map((s) => s.fraction))).toBe(0.75)
  })

  it("mapMerge's partitions report within their share of the entries", async () => {
    const parts = [10, 30].map(
      (n, index) => ({ index, range: { start: 0, stop: n } }) as unknown as Partition,
    )
    let running = 0
    const { ctx, seen } = recording(() => running)
    const sum = await mapMerge(
      parts,
      {
        async map(p, c) {
          running = p.index
          c.progress(0.5)
          c.progress(1)
          return p.range.stop
        },
        merge: (a, b) => a + b,
      },
      ctx,
    )
    expect(sum).toBe(40)
    expect(seen.map((s) => s.fraction)).toEqual([0.125, 0.25, 0.25, 0.625, 1, 1])
  })

  it('sends a task’s metrics and log lines on its channel when asked, in order, before its result', async () => {
    const tasks: Task[] = [0, 1].map((i) => ({ kind: 'test.progress-steps', payload: i }))
    const { ctx, metrics } = recording(() => 0)
    const events: string[] = []
    await inlineExecutor.run(
      tasks,
      ctx,
      (i) => events.push(`result ${i}`),
      undefined,
      (i, m: TaskMessage) =>
        events.push(
          m.type === 'metric' ? `${i}: ${m.name} ${m.step} ${m.value}` : `${i}: ${m.message}`,
        ),
    )
    expect(events).toEqual([
      ...[0, 1, 2, 3, 4].map((k) => `0: step ${k} ${k}`),
      '0: task 0 done',
      'result 0',
      ...[0, 1, 2, 3, 4].map((k) => `1: step ${k} ${10 + k}`),
      '1: task 1 done',
      'result 1',
    ])
    // On the channel, not also on the job's context.
    expect(metrics).toEqual([])
  })
})
