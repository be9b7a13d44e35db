/** Spawns the engine with `child_process.fork` (browser mode, CLI, tests). */
import { fork } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { EngineProcess, Spawn } from './supervisor'

/**
 * The engine entry next to this file: `engine.js` in the build (out/main), or the TypeScript
 * source run through tsx when this module itself runs from source (tests, `tsx`).
 */
export function defaultEngineEntry(): { entry: string; execArgv: string[] } {
  const built = join(__dirname, 'engine.js')
  if (existsSync(built)) return { entry: built, execArgv: [] }
  return { entry: join(__dirname, '..', 'engine', 'main.ts'), execArgv: ['--import', 'tsx'] }
}

export function forkSpawn(
  options: { entry?: string; execArgv?: string[]; env?: NodeJS.ProcessEnv } = {},
): Spawn {
  const def = defaultEngineEntry()
  const entry = options.entry ?? def.entry
  const execArgv = options.execArgv ?? def.execArgv
  return (): EngineProcess => {
    const child = fork(entry, [], {
      execArgv,
      env: options.env ?? process.env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    })
    return {
      send: (msg) => {
        if (child.connected) child.send(msg as object)
      },
      onMessage: (l) => child.on('message', l),
      onExit: (l) => child.on('exit', (code, signal) => l(code, signal)),
      kill: () => {
        // Ask nicely (the engine closes the project), then insist: a busy loop cannot answer.
        child.kill('SIGTERM')
        setTimeout(() => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
        }, 2000).unref()
      },
    }
  }
}
