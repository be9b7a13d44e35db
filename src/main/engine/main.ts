/**
 * Engine process entry. Started by Electron main with `utilityProcess.fork` (messages through
 * `process.parentPort`) or by `hepwb serve` and tests with `child_process.fork` (IPC channel).
 */
import type { EngineMessage } from '../../shared/api'
import { EngineService } from './service'

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void
  postMessage(message: unknown): void
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort

function send(msg: EngineMessage): void {
  if (parentPort) parentPort.postMessage(msg)
  // The host may be gone (killed, or shutting down): then nobody is listening; not an error.
  else if (process.send && process.connected) process.send(msg, undefined, undefined, () => {})
}

const service = new EngineService(send)

if (parentPort) parentPort.on('message', (e) => void service.handle(e.data))
else if (process.send) process.on('message', (m) => void service.handle(m))
else {
  console.error('hepwb engine: start me through the workbench (no parent process channel)')
  process.exit(2)
}

// A bug in one request must not take down the engine and the user's open project with it.
process.on('uncaughtException', (e) => console.error('engine: uncaught exception:', e))
process.on('unhandledRejection', (e) => console.error('engine: unhandled rejection:', e))

function stop(): void {
  service.shutdown()
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
process.on('disconnect', stop)
