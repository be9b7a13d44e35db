/**
 * Loading Emscripten-built WebAssembly libraries safely inside a long-lived process. The zstd
 * decoder's Node glue installs process-wide `uncaughtException` and `unhandledRejection`
 * handlers that re-throw or abort: one stray rejection anywhere in the engine would then kill
 * it. We remove exactly the handlers added while such a library loads (h5wasm 0.10 adds none,
 * but goes through the same guard).
 */
import type { EventEmitter } from 'node:events'

const EVENTS = ['uncaughtException', 'unhandledRejection']

/** Runs `load` and removes the process handlers it installed. */
export async function loadWithoutProcessHooks<T>(load: () => Promise<T>): Promise<T> {
  // The plain EventEmitter view: process's typed overloads do not take an event variable.
  const emitter = process as EventEmitter
  const before = new Map(EVENTS.map((e) => [e, new Set(emitter.listeners(e))]))
  try {
    return await load()
  } finally {
    for (const e of EVENTS) {
      for (const l of emitter.listeners(e)) {
        if (!before.get(e)?.has(l)) emitter.removeListener(e, l as (...a: unknown[]) => void)
      }
    }
  }
}

interface ZstdDecoder {
  decompress(input: Uint8Array): Uint8Array
}
let zstd: Promise<ZstdDecoder> | undefined

/**
 * The zstd decoder (the WebAssembly build jsroot also depends on; Node 20's zlib has no zstd),
 * initialised once. `decompress` takes one or more complete zstd frames.
 */
export function loadZstd(): Promise<ZstdDecoder> {
  zstd ??= loadWithoutProcessHooks(async () => {
    const m = (await import('@oneidentity/zstd-js')) as unknown as {
      ZstdInit: () => Promise<{ ZstdStream: ZstdDecoder }>
    }
    return (await m.ZstdInit()).ZstdStream
  })
  return zstd
}
