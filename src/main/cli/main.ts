/** Entry point of the `hepwb` binary (bin/hepwb.js loads the built copy of this file). */
import { buildProgram } from './program'

// `hepwb … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0)
  throw e
})

buildProgram()
  .parseAsync(process.argv)
  .catch((e: unknown) => {
    process.stderr.write(`hepwb: ${e instanceof Error ? e.message : String(e)}\n`)
    process.exitCode = 1
  })
