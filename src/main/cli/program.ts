/**
 * The hepwb command line (DESIGN.md §5). Each command lives in commands/NAME.ts and exports
 * `register(program)`; this file only assembles them.
 */
import { Command } from 'commander'
import { appVersion } from '../engine/version'
import { register as info } from './commands/info'
import { register as inspect } from './commands/inspect'
import { register as serve } from './commands/serve'
import { register as fit } from './commands/fit'
import { register as hypotest } from './commands/hypotest'
import { register as limit } from './commands/limit'
import { register as significance } from './commands/significance'
import { register as buildWorkspace } from './commands/build-workspace'
import { register as stats } from './commands/stats'
import { register as cutflow } from './commands/cutflow'
import { register as hist } from './commands/hist'
import { register as spec } from './commands/spec'
import { register as train } from './commands/train'
import { register as tune } from './commands/tune'
import { register as bench } from './commands/bench'
import { register as worker } from './commands/worker'
import { registerRunOptions } from './run-options'
import { register as hepdata } from './commands/hepdata'
import { register as plot } from './commands/plot'

export function buildProgram(): Command {
  const program = new Command('hepwb')
    .description(
      'HEP Workbench: machine-learning analysis of collider events from the command line',
    )
    .version(appVersion())
    .option('--json', 'print the result as one JSON document')
    .showHelpAfterError()
    .configureOutput({ outputError: (str, write) => write(str) })
  program.exitOverride((err) => {
    // Help and version are not errors; usage errors exit 2 with commander's message on stderr.
    process.exit(err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 2)
  })
  registerRunOptions(program)
  info(program)
  inspect(program)
  stats(program)
  serve(program)
  fit(program)
  hypotest(program)
  limit(program)
  significance(program)
  buildWorkspace(program)
  cutflow(program)
  hist(program)
  spec(program)
  train(program)
  tune(program)
  bench(program)
  worker(program)
  hepdata(program)
  plot(program)
  return program
}
