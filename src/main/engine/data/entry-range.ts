/**
 * One entry range of a sample's file, as streaming reads it (training on more events than fit
 * in memory): only the asked columns, only entries [start, stop), the sample's missing-value
 * marker read as NaN (missing-values.ts): what the project adapter reads a streamed partition
 * with (services/project-source.ts).
 */
import type { Column } from '../../../shared/column'
import type { JobContext } from '../jobs/context'
import type { EntryRange } from '../io/schema'
import { readColumns } from '../io/source'
import { markMissing } from './missing-values'

/** Columns `names` of `table` in file `path`, entries `range`, `missing` marker as NaN. */
export async function readEntryRange(
  path: string,
  table: string,
  names: readonly string[],
  missing: number | null,
  range: EntryRange,
  ctx: JobContext,
): Promise<Map<string, Column>> {
  const read = await readColumns(path, table, names, ctx, range)
  return new Map([...read].map(([name, c]) => [name, markMissing(c, missing).column] as const))
}
