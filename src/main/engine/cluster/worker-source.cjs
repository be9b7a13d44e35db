/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS entry: require is how it loads */
// The pool's worker entry when running from the source tree (vitest, tsx, `npm run bench`):
// tsx's CommonJS hook compiles the TypeScript worker on require (its ESM hook would load the
// engine's module graph, which has import cycles, through require(esm), which refuses them).
// A build uses out/main/worker.js instead.
const { register } = require('tsx/cjs/api')

register()
module.exports = require('./worker.ts').default
