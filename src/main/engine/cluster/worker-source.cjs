/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS entry: require is how it loads */
// The pool's worker entry when running from the source tree (vitest, tsx, `npm run bench`):
// tsx's CommonJS hook compiles the TypeScript worker on require (its ESM hook would load the
// engine's module graph, which has import cycles, through require(esm), which refuses them).
// A build uses out/main/worker.js instead.
const { register } = require('tsx/cjs/api')

register()
// A dynamic import() (a lazily loaded task kind, the applied models' code) goes through Node's
// ESM resolver, which finds no extensionless TypeScript path without tsx's ESM hook; the
// package is CommonJS, so what import() loads is still required (one module instance: a lazy
// task kind registers in the same registry). Registered by hand: tsx/esm/api's register()
// resolves its hook file wrongly when called from CommonJS; { active: true } is what tsx's own
// `--import tsx` hands its hooks.
require('node:module').register(require('node:url').pathToFileURL(require.resolve('tsx/esm')), {
  data: { active: true },
})
module.exports = require('./worker.ts').default
