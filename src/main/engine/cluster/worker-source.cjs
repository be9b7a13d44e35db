/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS entry: require is how it loads */
// The pool's worker entry when running from the source tree (vitest, tsx, `npm run bench`):
// tsx's CommonJS hook compiles the TypeScript worker on require (its ESM hook would load the
// engine's module graph, which has import cycles, through require(esm), which refuses them).
// A build uses out/main/worker.js instead.
const { register } = require('tsx/cjs/api')
const { register: registerHooks } = require('node:module')
const { pathToFileURL } = require('node:url')

register()
// A dynamic import() (a lazily loaded task kind) goes through the ESM resolver, which tsx's
// CommonJS hook does not reach: source-resolve.mjs sends engine modules to the CommonJS loader.
registerHooks('./source-resolve.mjs', pathToFileURL(__filename))
module.exports = require('./worker.ts').default
