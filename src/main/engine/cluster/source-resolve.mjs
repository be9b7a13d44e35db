// Module resolution for the pool's worker threads when running from the source tree (see
// worker-source.cjs): a dynamic import() of an engine module by its extensionless path (a
// lazily loaded task kind, the applied models' code) resolves to its TypeScript file as
// CommonJS, so Node hands it to the CommonJS loader — tsx's hook compiles it, and it shares the
// module instances (the task registry) with the rest of the thread instead of loading a second
// copy of the engine as ESM.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export async function resolve(specifier, context, next) {
  const parent = context.parentURL
  if (parent?.startsWith('file:') && parent.endsWith('.ts') && /^\.\.?\//.test(specifier)) {
    for (const ext of ['.ts', '/index.ts']) {
      const url = new URL(specifier + ext, parent)
      if (existsSync(fileURLToPath(url)))
        return { url: url.href, format: 'commonjs', shortCircuit: true }
    }
  }
  return next(specifier, context)
}
