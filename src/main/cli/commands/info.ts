import type { Command } from 'commander'
import { action } from '../action'
import { engineInfo } from '../../engine/info'

export function register(program: Command): void {
  program
    .command('info')
    .description('version, Node.js and the ML backend chosen (and why the others were not)')
    .action(
      action(
        async () => {
          const { pid: _pid, ...info } = await engineInfo()
          return info
        },
        (info) =>
          [
            `HEP Workbench ${info.version} (Node.js ${info.node})`,
            `ML backend: ${info.backend}`,
            ...info.backends.map(
              (b) => `  ${b.available ? '✓' : '✗'} ${b.name}${b.error ? ` — ${b.error}` : ''}`,
            ),
          ].join('\n'),
      ),
    )
}
