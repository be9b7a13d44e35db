/**
 * Libraries that talk on the console: jsroot logs what it finds odd in a damaged file
 * ("Missmatch in TNamed:1 bytecount expected = 32 got = 22") with console.log, which lands on
 * stdout and breaks `hepwb inspect --json`; h5wasm's HDF5 prints ~60 lines of HDF5-DIAG per
 * failed call through console.error. What a reader has to say it says in its InputError, so
 * console calls made directly by these packages are dropped (written to stderr, marked, under
 * HEPWB_DEBUG=1); everyone else's console calls pass through unchanged.
 */
import { format } from 'node:util'

/** Packages whose console output is dropped. */
const QUIET = /[\\/]node_modules[\\/](?:jsroot|h5wasm)[\\/]/

const LEVELS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const

let installed = false

/**
 * Installs the filter (once per process). Call it before the library is imported: Emscripten
 * binds console.error when a module is instantiated.
 */
export function quietLibraryConsole(): void {
  if (installed) return
  installed = true
  for (const level of LEVELS) {
    const original = console[level] as (...args: unknown[]) => void
    console[level] = function (...args: unknown[]): void {
      if (!calledFromQuietPackage()) return original.apply(console, args)
      if (process.env.HEPWB_DEBUG) process.stderr.write(`[library ${level}] ${format(...args)}\n`)
    }
  }
}

/** Whether the direct caller of the console method (bound wrappers leave no frame) is quiet. */
function calledFromQuietPackage(): boolean {
  const frames = (new Error().stack ?? '').split('\n')
  // 0 "Error", 1 calledFromQuietPackage, 2 the console wrapper, 3 its caller.
  return QUIET.test(frames[3] ?? '')
}
