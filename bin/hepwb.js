#!/usr/bin/env node
// The built CLI (npm run build → out/main/cli.js). From a source checkout without a build,
// say how to build instead of a stack trace.
const { existsSync } = require('node:fs')
const { join } = require('node:path')

const built = join(__dirname, '..', 'out', 'main', 'cli.js')
if (!existsSync(built)) {
  process.stderr.write(
    'hepwb: not built yet; run `npm run build` in ' + join(__dirname, '..') + '\n',
  )
  process.exit(1)
}
require(built)
