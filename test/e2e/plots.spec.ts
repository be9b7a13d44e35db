import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { havePoppler } from '../unit/helpers/poppler'
import { expect, test } from './fixtures'

test.skip(!havePoppler(), 'poppler-utils is not installed (apt-get install poppler-utils)')

test('Plots: save the Data histogram and the Fit Brazil band, restyle as thesis, export PDF with LaTeX', async ({
  page,
  workbench,
}) => {
  test.setTimeout(180_000)
  await page.goto(workbench.url)
  await expect(page.getByTestId('engine-state')).toHaveText(/Engine ready/)
  await page.getByTestId('home-demo').click()
  await expect(page.getByTestId('view-data')).toBeVisible({ timeout: 30_000 })
  await expect(page.getByTestId('histogram-panel').getByTestId('chart')).toBeVisible({
    timeout: 60_000,
  })

  // The Data step's stacked histogram.
  await page.getByTestId('histogram-panel').getByTestId('save-to-plots').click()
  await expect(
    page.getByTestId('histogram-panel').getByTestId('save-to-plots-status'),
  ).toContainText('Saved to Plots as', { timeout: 60_000 })

  // The Fit step's CLs scan with its Brazil band.
  const ws = join(workbench.dir, 'counting.json')
  writeFileSync(
    ws,
    JSON.stringify({
      channels: [
        {
          name: 'SR',
          samples: [
            {
              name: 'signal',
              data: [4, 8],
              modifiers: [{ name: 'mu', type: 'normfactor', data: null }],
            },
            {
              name: 'background',
              data: [50, 30],
              modifiers: [{ name: 'bkg_norm', type: 'normsys', data: { hi: 1.1, lo: 0.9 } }],
            },
          ],
        },
      ],
      observations: [{ name: 'SR', data: [53, 29] }],
      measurements: [{ name: 'm', config: { poi: 'mu', parameters: [] } }],
      version: '1.0.0',
    }),
  )
  await page.getByTestId('nav-fit').click()
  await page.getByTestId('import-workspace').click()
  await page.getByTestId('ws-path').fill(ws)
  await page.getByTestId('ws-import').click()
  await expect(page.getByTestId('workspaces')).toContainText('counting')
  await page.getByTestId('run-limit').click()
  await expect(page.getByTestId('limit')).toContainText('observed', { timeout: 120_000 })
  await page.getByTestId('tab-cls').click()
  await page.getByTestId('save-to-plots').click()
  await expect(page.getByTestId('save-to-plots-status')).toContainText('Saved to Plots as')

  // The Plots step: both plots, restyled as thesis with an experiment label, exported as PDF.
  await page.getByTestId('nav-plots').click()
  await expect(page.getByTestId('plot-card')).toHaveCount(2)
  await page.getByTestId('plots-select-all').check()
  await page.getByTestId('style-thesis').click()
  await expect(page.getByTestId('style-thesis')).toHaveClass(/on/)
  await page.getByTestId('status').selectOption('Private work')
  await page.getByTestId('energy').fill('13')
  await page.getByTestId('energy').press('Enter')
  await expect(page.getByTestId('status')).toHaveValue('Private work')
  await page.getByTestId('plot-card').nth(1).click()
  await expect(page.getByTestId('plot-card').nth(1)).toHaveClass(/active/)
  await page.getByTestId('status').selectOption('Private work')
  await page.getByTestId('energy').fill('13')
  await page.getByTestId('energy').press('Enter')
  await expect(page.getByTestId('plot-editor')).toHaveAttribute('data-busy', 'false')
  await expect(page.getByTestId('energy')).toHaveValue('13')
  await expect(page.getByTestId('plot-preview')).toBeVisible()
  await page.screenshot({ path: join(workbench.screens, 'plots-view.png'), fullPage: true })

  const out = join(workbench.dir, 'figures')
  await page.getByTestId('export-format').selectOption('pdf')
  await page.getByTestId('export-path').fill(out)
  await page.getByTestId('export-plots').click()
  await expect(page.getByTestId('exported')).toContainText('.pdf')
  const pdfs = execFileSync('ls', [out], { encoding: 'utf8' }).trim().split('\n')
  expect(pdfs.filter((f) => f.endsWith('.pdf'))).toHaveLength(2)
  expect(pdfs.filter((f) => f.endsWith('.tex'))).toHaveLength(2)
  for (const f of pdfs.filter((x) => x.endsWith('.pdf'))) {
    const pdf = join(out, f)
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' })
    expect(info).toMatch(/Page size:\s+425\.19\d* x 318\.89\d* pts/)
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' })
    expect(text).toContain('Private work')
    // For people to look at: the exported PDF as an image.
    execFileSync('pdftoppm', [
      '-png',
      '-r',
      '110',
      '-singlefile',
      pdf,
      join(workbench.screens, `plots-export-${f.replace(/\.pdf$/, '')}`),
    ])
    const tex = readFileSync(pdf.replace(/\.pdf$/, '.tex'), 'utf8')
    expect(tex).toContain('\\includegraphics[width=15cm]')
  }
  expect(existsSync(join(out, pdfs.find((f) => f.startsWith('cls')) ?? 'missing'))).toBe(true)
})
