import { execFileSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { havePoppler } from '../unit/helpers/poppler'
import { expect, test } from './fixtures'
import { DATA } from './test-data'

const LBB = join(DATA, 'hepdata-pyhf-extractor_1Lbb')

test.skip(!havePoppler(), 'poppler-utils is not installed (apt-get install poppler-utils)')

test('Plots: save the Fit pulls and the signal grid mass plane, see them in the gallery, export PDF', async ({
  page,
  workbench,
}) => {
  test.setTimeout(240_000)
  await page.goto(workbench.url)
  await expect(page.getByTestId('engine-state')).toHaveText(/Engine ready/)
  await page.getByTestId('new-project').click()
  await page.getByTestId('path-input').fill(join(workbench.dir, 'fit-plots.hepwb'))
  await page.getByTestId('path-submit').click()
  await page.getByTestId('nav-fit').click()

  // Pulls of a 1Lbb signal point.
  await page.getByTestId('import-workspace').click()
  await page.getByTestId('ws-path').fill(join(LBB, '1Lbb_BkgOnly.json'))
  await page.getByTestId('ps-path').fill(join(LBB, '1Lbb_patchset_subset.json'))
  await page.getByTestId('ws-import').click()
  await expect(page.getByTestId('workspaces')).toContainText('1Lbb_BkgOnly')
  await page.getByTestId('patch-select').selectOption({ label: 'C1N2_Wh_hbb_900_250' })
  await page.getByTestId('run-fit').click()
  await expect(page.getByTestId('fit-summary')).toContainText('converged', { timeout: 60_000 })
  await page.getByTestId('tab-pulls').click()
  await page.getByTestId('save-to-plots').click()
  await expect(page.getByTestId('save-to-plots-status')).toContainText(
    'Saved to Plots as “Pulls · 1Lbb_BkgOnly',
  )

  // The signal grid's mass plane with its contours.
  await page.getByTestId('open-grid').click()
  const panel = page.getByTestId('signal-grid')
  await panel.getByTestId('grid-ws-path').fill(join(LBB, '1Lbb_BkgOnly.json'))
  await panel.getByTestId('grid-ps-path').fill(join(LBB, '1Lbb_patchset_subset.json'))
  await panel.getByTestId('grid-run').click()
  await expect(panel.getByTestId('grid-table').locator('tbody tr')).toHaveCount(9, {
    timeout: 90_000,
  })
  await panel.getByTestId('save-to-plots').click()
  await expect(panel.getByTestId('save-to-plots-status')).toContainText(
    'Saved to Plots as “Mass plane · 1Lbb_patchset_subset.json”',
  )

  // Both in the gallery, drawn by the figure renderer; exported as PDF.
  await page.getByTestId('nav-plots').click()
  await expect(page.getByTestId('plot-card')).toHaveCount(2)
  await expect(page.getByTestId('plot-name')).toHaveText([
    /^Pulls · 1Lbb_BkgOnly/,
    'Mass plane · 1Lbb_patchset_subset.json',
  ])
  await page.getByTestId('plot-card').nth(1).click()
  await expect(page.getByTestId('plot-preview')).toBeVisible()
  await page.screenshot({ path: join(workbench.screens, 'plots-fit-gallery.png'), fullPage: true })

  await page.getByTestId('plots-select-all').check()
  const out = join(workbench.dir, 'figures')
  await page.getByTestId('export-format').selectOption('pdf')
  await page.getByTestId('export-path').fill(out)
  await page.getByTestId('export-plots').click()
  await expect(page.getByTestId('exported')).toContainText('.pdf')
  const pdfs = readdirSync(out).filter((f) => f.endsWith('.pdf'))
  expect(pdfs).toHaveLength(2)
  const texts: string[] = []
  for (const f of pdfs) {
    const pdf = join(out, f)
    texts.push(execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' }))
    // For people to look at: the exported PDF as an image.
    execFileSync('pdftoppm', [
      '-png',
      '-r',
      '110',
      '-singlefile',
      pdf,
      join(workbench.screens, `plots-fit-export-${f.replace(/\.pdf$/, '')}`),
    ])
  }
  const all = texts.join('\n')
  expect(all).toContain('m1 [GeV]')
  expect(all).toContain('Observed limit')
  expect(all).toContain('95% CL exclusion')
  expect(all).toContain('Pull')
})
