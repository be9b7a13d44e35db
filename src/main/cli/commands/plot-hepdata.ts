/**
 * The hook `hepwb plot hist --hepdata DIR` calls: writes the figure's HEPData record into DIR —
 * the figure as a saved plot (numbers, settings, provenance) becomes its tables, its image and
 * thumbnail drawn by the same renderer (app/hepdata.ts savedPlotsSubmission), checked against
 * the HEPData format 1.1.x before anything is written. Its numbers are the figure's, i.e.
 * `hepwb hist`'s.
 */
import type { SavedPlot } from '../../../shared/plot/saved-plot'
import { savedPlotsSubmission } from '../../engine/app/hepdata'
import { FileExistsError } from '../../engine/io/output-file'
import { HepdataValidationError } from '../../engine/plots/hepdata/validate'
import { writeSubmission } from '../../engine/plots/hepdata/write'
import { UsageError } from '../action'

export interface HepdataWritten {
  dir: string
  /** Files written into `dir`, submission.yaml first. */
  files: string[]
  /** Each table: its name, data file and number of rows. */
  tables: { name: string; file: string; rows: number }[]
}

/** Writes `plot` (figure, settings, provenance) as a HEPData submission in `dir`. */
export async function writeFigureHepdata(
  plot: SavedPlot,
  dir: string,
  options: { overwrite?: boolean } = {},
): Promise<HepdataWritten> {
  try {
    const w = writeSubmission(savedPlotsSubmission([plot]), {
      out: dir,
      overwrite: options.overwrite,
    })
    return { dir: w.folder, files: w.files, tables: w.tables }
  } catch (e) {
    if (e instanceof HepdataValidationError || e instanceof FileExistsError)
      throw new UsageError(`--hepdata: ${e.message}`)
    throw e
  }
}
