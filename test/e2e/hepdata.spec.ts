/**
 * Export HEPData… in the Plots view: a stacked histogram saved from the Data step and a Brazil
 * band saved from the Fit step are written as a HEPData submission — submission.yaml, a data
 * file per table (the histogram's, the CLs scan's and the upper limit's), each plot's image and
 * thumbnail, and a zip ready to upload — through the real engine. Exporting again into the same
 * folder asks before replacing and, when refused, writes nothing.
 */
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse, parseAllDocuments } from 'yaml'
import { formatNumber } from '../../src/shared/format/table'
import { expect, test } from './fixtures'

test('Plots: Export HEPData… writes the selected plots as a valid HEPData submission with a zip', async ({
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
  await page.getByTestId('histogram-panel').getByTestId('save-to-plots').click()
  await expect(
    page.getByTestId('histogram-panel').getByTestId('save-to-plots-status'),
  ).toContainText('Saved to Plots as', { timeout: 60_000 })

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
  const limitText = (await page.getByTestId('limit').textContent())?.replace(/\s+/g, ' ') ?? ''
  await page.getByTestId('tab-cls').click()
  await page.getByTestId('save-to-plots').click()
  await expect(page.getByTestId('save-to-plots-status')).toContainText('Saved to Plots as')

  await page.getByTestId('nav-plots').click()
  await expect(page.getByTestId('plot-card')).toHaveCount(2)
  // Select both (again, should a reload of the gallery have cleared the selection).
  await expect(async () => {
    await page.getByTestId('plots-select-all').check()
    await expect(page.getByText('2 selected', { exact: true })).toBeVisible({ timeout: 1000 })
  }).toPass()

  const out = join(workbench.dir, 'hepdata')
  await page.getByTestId('hepdata-export-start').click()
  await page.getByTestId('hepdata-export').getByTestId('path-input').fill(out)
  await page.getByTestId('hepdata-export').getByTestId('path-submit').click()
  const written = page.getByTestId('hepdata-written')
  await expect(written).toContainText('3 tables', { timeout: 60_000 })
  await expect(page.getByTestId('hepdata-zip')).toHaveText(join(out, 'submission.zip'))
  await expect(page.getByTestId('hepdata-problems')).toHaveCount(0)
  await page.screenshot({ path: join(workbench.screens, 'plots-hepdata.png'), fullPage: true })

  // The files: one document per table in submission.yaml naming its data file, images.
  const docs = parseAllDocuments(readFileSync(join(out, 'submission.yaml'), 'utf8')).map((d) =>
    d.toJS(),
  ) as { data_file?: string; name?: string; additional_resources?: { location: string }[] }[]
  expect(docs).toHaveLength(4)
  for (const d of docs.slice(1)) {
    expect(existsSync(join(out, d.data_file ?? 'missing'))).toBe(true)
  }
  const [hist, cls, limit] = docs.slice(1)
  expect(cls.name).toMatch(/\(CLs\)$/)
  expect(limit.name).toMatch(/\(limit\)$/)
  for (const d of [hist, cls])
    for (const r of d.additional_resources ?? [])
      expect(statSync(join(out, r.location)).size).toBeGreaterThan(1000)
  const data = parse(readFileSync(join(out, hist.data_file ?? ''), 'utf8')) as {
    independent_variables: { values: { low: number; high: number }[] }[]
    dependent_variables: { header: { name: string }; values: { value: number }[] }[]
  }
  const bins = data.independent_variables[0].values.length
  expect(bins).toBeGreaterThan(1)
  for (const d of data.dependent_variables) expect(d.values).toHaveLength(bins)
  const upper = parse(readFileSync(join(out, limit.data_file ?? ''), 'utf8')) as {
    dependent_variables: { values: { value: number }[] }[]
  }
  // The observed limit the Fit view showed is the upper-limit table's first value.
  expect(limitText).toContain(
    `observed ${formatNumber(upper.dependent_variables[0].values[0].value)},`,
  )
  expect(statSync(join(out, 'submission.zip')).size).toBeGreaterThan(1000)

  // Again into the same folder: asked before replacing; refused, nothing changes.
  const before = readdirSync(out).map((f) => [f, statSync(join(out, f)).mtimeMs])
  let asked = ''
  page.once('dialog', (d) => {
    asked = d.message()
    void d.dismiss()
  })
  await page.getByTestId('hepdata-export-start').click()
  await page.getByTestId('hepdata-export').getByTestId('path-input').fill(out)
  await page.getByTestId('hepdata-export').getByTestId('path-submit').click()
  await expect.poll(() => asked).toContain('exists. Replace it?')
  await expect(page.getByTestId('hepdata-written')).toHaveCount(0)
  expect(readdirSync(out).map((f) => [f, statSync(join(out, f)).mtimeMs])).toEqual(before)
})
