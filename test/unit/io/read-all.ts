/**
 * A child process for the reader fuzz test (fuzz.test.ts): reads every file named on the command
 * line through the engine's one reader interface (tables, then their columns) and writes one
 * JSON report to the path given first. It prints nothing itself, so whatever appears on its
 * stdout or stderr came from a reader or a library under it.
 */
import { writeFileSync } from 'node:fs'
import { InputError } from '../../../src/main/engine/io/errors'
import { openSource, readColumns } from '../../../src/main/engine/io/source'

export interface ReadOutcome {
  file: string
  /** Null when the file was read without error. */
  error: { name: string; inputError: boolean; message: string } | null
}

async function main(): Promise<void> {
  const [report, ...files] = process.argv.slice(2)
  const out: ReadOutcome[] = []
  for (const file of files) {
    try {
      const info = await openSource(file)
      for (const t of info.tables)
        await readColumns(
          file,
          t.name,
          t.columns.slice(0, 8).map((c) => c.name),
        )
      out.push({ file, error: null })
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e))
      out.push({
        file,
        error: { name: err.name, inputError: e instanceof InputError, message: err.message },
      })
    }
  }
  writeFileSync(report, JSON.stringify(out))
}

void main()
