import type { Command } from 'commander'
import type { SourceInfo } from '../../engine/io/schema'
import { openSource } from '../../engine/io/source'
import { action } from '../action'

/** Human listing: one block per table, one line per column. */
function describe(info: SourceInfo): string {
  const lines = [`${info.file} (${info.format})`]
  for (const t of info.tables) {
    lines.push(`  ${t.name}: ${t.entries} entries, ${t.columns.length} columns`)
    for (const c of t.columns)
      lines.push(`    ${c.name.padEnd(32)} ${c.type}${c.jagged ? '[]' : ''}`)
    for (const s of t.skipped ?? []) lines.push(`    ${s.name.padEnd(32)} (skipped: ${s.reason})`)
  }
  return lines.join('\n')
}

export function register(program: Command): void {
  program
    .command('inspect')
    .description('trees/tables of an event file (ROOT, CSV, HDF5, Parquet): entries and columns')
    .argument('<file>', 'event file')
    .action(action(async ([file]) => openSource(file), describe))
}
