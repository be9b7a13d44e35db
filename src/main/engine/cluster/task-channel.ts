/**
 * A task's message channel to a worker thread of the pool (TaskExecutor.run's `onMessage`): a
 * MessageChannel per task, one end transferred with the task, on which the thread posts what
 * the task reports (app/task.ts TaskMessage) and, last, an end mark — so the engine hands every
 * message on before the task's result, although a port's messages and piscina's result travel
 * apart.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads'
import { messageContext, type TaskMessage } from '../app/task'
import type { JobContext } from '../jobs/context'

/** Posted after the task's last message. */
const END = 'hepwb:task-channel-end'

/** The engine's end: `port` goes to the thread; `settle` waits for the end mark after a result. */
export interface TaskChannel {
  readonly port: MessagePort
  /** `result` once every message sent before it was handed on; the channel closed either way. */
  settle<R>(result: Promise<R>): Promise<R>
}

export function openTaskChannel(onMessage: (message: TaskMessage) => void): TaskChannel {
  const { port1, port2 } = new MessageChannel()
  let ended: () => void = () => {}
  const end = new Promise<void>((resolve) => (ended = resolve))
  port1.on('message', (m: TaskMessage | typeof END) => {
    if (m === END) ended()
    else onMessage(m)
  })
  return {
    port: port2,
    async settle(result) {
      try {
        const [r] = await Promise.all([result, end])
        return r
      } finally {
        port1.close()
      }
    },
  }
}

/**
 * The thread's side: a context whose metrics and log lines go to `port`, and `done()` to call
 * when the task has finished (successfully or not), which posts the end mark.
 */
export function threadChannel(
  port: MessagePort,
  ctx: JobContext,
): { ctx: JobContext; done(): void } {
  return {
    ctx: messageContext(ctx, (m) => port.postMessage(m)),
    done: () => port.postMessage(END),
  }
}
