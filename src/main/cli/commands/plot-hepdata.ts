/**
 * The hook `hepwb plot hist --hepdata DIR` calls: writes the figure's HEPData record (its
 * numbers are the figure's, i.e. `hepwb hist`'s) into DIR. The HEPData writer lives on the
 * `hepdata` branch (`hepwb hepdata`); until it is merged this says so instead of writing.
 */
import type { SavedPlot } from '../../../shared/plot/saved-plot'
import { UsageError } from '../action'

export interface HepdataWritten {
  dir: string
  files: string[]
}

/** Writes `plot` (figure, settings, provenance) as a HEPData submission in `dir`. */
export async function writeFigureHepdata(plot: SavedPlot, dir: string): Promise<HepdataWritten> {
  void plot
  void dir
  throw new UsageError(
    '--hepdata: the HEPData writer is not part of this build (see hepwb hepdata)',
  )
}
