/**
 * Whether Debian's poppler-utils (pdfinfo, pdffonts, pdftotext, pdftoppm) are installed: the
 * exported PDFs are checked with them. `.ci/run` installs them; elsewhere the checks are skipped
 * with a one-line notice (`apt-get install poppler-utils`).
 */
import { spawnSync } from 'node:child_process'

let known: boolean | undefined

export function havePoppler(): boolean {
  if (known === undefined) {
    known = spawnSync('pdfinfo', ['-v']).status === 0
    if (!known)
      console.warn('skipped: poppler-utils (pdfinfo, pdffonts, pdftotext) is not installed')
  }
  return known
}
