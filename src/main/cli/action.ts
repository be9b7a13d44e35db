/**
 * How every hepwb command runs: the action computes a plain result object; with `--json` it is
 * printed as one JSON document on stdout, otherwise `human(result)` is printed. Any error goes
 * to stderr (as `{"error": …}` with --json) and the exit code is 1.
 */
import type { Command } from 'commander'

export interface GlobalOptions {
  json?: boolean
}

/** A thrown error whose message is already meant for the user (no stack trace). */
export class UsageError extends Error {
  override name = 'UsageError'
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

/**
 * Wraps a command implementation. `run` receives the positional arguments and the merged
 * options (the command's own plus `--json`).
 */
export function action<O extends GlobalOptions, R>(
  run: (args: string[], options: O) => Promise<R> | R,
  human: (result: R, options: O) => string = (r) => JSON.stringify(r, null, 2),
): (...argv: unknown[]) => Promise<void> {
  return async (...argv: unknown[]) => {
    const command = argv[argv.length - 1] as Command
    const options = command.optsWithGlobals<O>()
    const args = command.processedArgs.flat().filter((a): a is string => typeof a === 'string')
    try {
      const result = await run(args, options)
      process.stdout.write((options.json ? JSON.stringify(result) : human(result, options)) + '\n')
    } catch (e) {
      if (process.env.HEPWB_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`)
      process.stderr.write(
        options.json ? JSON.stringify({ error: errorText(e) }) + '\n' : `hepwb: ${errorText(e)}\n`,
      )
      process.exitCode = 1
    }
  }
}

/** Seconds since `t0` (performance.now() milliseconds), rounded to 0.1 ms. */
export function secondsSince(t0: number): number {
  return Math.round(performance.now() - t0) / 1000
}
