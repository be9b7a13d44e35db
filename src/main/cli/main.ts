/** Entry point of the `hepwb` binary (bin/hepwb.js loads the built copy of this file). */
import { buildProgram } from './program'

buildProgram()
  .parseAsync(process.argv)
  .catch((e: unknown) => {
    process.stderr.write(`hepwb: ${e instanceof Error ? e.message : String(e)}\n`)
    process.exitCode = 1
  })
