import type { Command } from 'commander'
import { join } from 'node:path'
import { forkSpawn } from '../../host/fork'
import { EngineSupervisor } from '../../host/supervisor'
import { startServer } from '../../serve/server'
import { UsageError } from '../action'

/** Where the built renderer is: out/renderer beside out/main (this file is bundled into out/main). */
export function rendererDir(): string {
  return process.env.HEPWB_RENDERER_DIR || join(__dirname, '..', 'renderer')
}

/** Starts browser mode and resolves once the URL is printed; runs until interrupted. */
export async function serve(options: { port?: string; json?: boolean }): Promise<void> {
  const port = options.port === undefined ? 0 : Number(options.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError(`--port: expected an integer 0–65535, got '${options.port}'`)
  const supervisor = new EngineSupervisor(forkSpawn())
  const started = supervisor.start()
  const server = await startServer({ supervisor, rendererDir: rendererDir(), port })
  process.stdout.write(
    options.json
      ? JSON.stringify({ url: server.url, port: server.port }) + '\n'
      : `HEP Workbench is running in browser mode: ${server.url}\n(press Ctrl+C to stop)\n`,
  )
  started.catch((e: unknown) =>
    process.stderr.write(`hepwb: the engine did not start: ${(e as Error).message}\n`),
  )
  const shutdown = () => {
    supervisor.stop()
    void server.close().then(() => process.exit(0))
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
}

export function register(program: Command): void {
  program
    .command('serve')
    .description(
      'browser mode: serve the workbench on 127.0.0.1 and print the URL (with its access token)',
    )
    .option('--port <port>', 'port to listen on (default: a free one)')
    .action(async (_opts: unknown, command: Command) => {
      try {
        await serve(command.optsWithGlobals())
      } catch (e) {
        process.stderr.write(`hepwb: ${(e as Error).message}\n`)
        process.exit(1)
      }
    })
}
