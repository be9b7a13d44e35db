import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from './fixtures'
import { DATA } from './test-data'

const LBB = join(DATA, 'hepdata-pyhf-extractor_1Lbb')

test('Fit view: signal grid of the 1Lbb 9-point subset — mass plane with contours, table, SVG export, reload, Stop', async ({
  page,
  workbench,
}) => {
  test.setTimeout(180_000)
  await page.goto(workbench.url)
  await expect(page.getByTestId('engine-state')).toHaveText(/Engine ready/)
  await page.getByTestId('new-project').click()
  await page.getByTestId('path-input').fill(join(workbench.dir, 'grid.hepwb'))
  await page.getByTestId('path-submit').click()
  await page.getByTestId('nav-fit').click()

  await page.getByTestId('open-grid').click()
  const panel = page.getByTestId('signal-grid')
  await panel.getByTestId('grid-ws-path').fill(join(LBB, '1Lbb_BkgOnly.json'))
  await panel.getByTestId('grid-ps-path').fill(join(LBB, '1Lbb_patchset_subset.json'))
  await panel.getByTestId('grid-run').click()

  const table = panel.getByTestId('grid-table')
  await expect(table.locator('tbody tr')).toHaveCount(9, { timeout: 60_000 })
  // Signal-point order and the labelled values; 650_0 is excluded (CLs obs 0.017), 1000_0 not.
  await expect(table.locator('tbody tr').first()).toContainText('C1N2_Wh_hbb_650_0')
  await expect(table.locator('tbody tr').first().locator('td.excl')).toHaveCount(2)
  await expect(
    table.locator('tbody tr', { hasText: 'C1N2_Wh_hbb_1000_0' }).locator('td.excl'),
  ).toHaveCount(0)
  await expect(panel.getByTestId('grid-summary')).toContainText('9 points')
  await expect(panel.getByTestId('grid-summary')).toContainText('1 excluded at 95% CL (observed)')
  await expect(panel.getByTestId('chart')).toBeVisible()
  await page.screenshot({
    path: join(workbench.screens, 'fit-grid-mass-plane.png'),
    fullPage: true,
  })

  // The chart exports like every chart: the SVG has the contours and the legend.
  const download = page.waitForEvent('download')
  await panel.getByTestId('export-svg').click()
  const svg = readFileSync(await (await download).path(), 'utf8')
  expect(svg).toContain('<svg')
  expect(svg).toContain('Observed')
  expect(svg).toContain('Expected ±1σ')
  expect(svg).toContain('m1 [GeV]')

  // The grid is recorded in the project: a reload shows it again.
  await page.reload()
  await page.getByTestId('open-grid').click()
  await expect(page.getByTestId('grid-table').locator('tbody tr')).toHaveCount(9)
  await expect(page.getByTestId('grid-ws-path')).toHaveValue(join(LBB, '1Lbb_BkgOnly.json'))

  // With the limits the grid takes a few seconds: Stop cancels it and keeps the last grid.
  await page.getByTestId('grid-limits').check()
  await page.getByTestId('grid-run').click()
  await expect(page.getByTestId('grid-progress')).toBeVisible()
  await page.getByTestId('grid-stop').click()
  await expect(page.getByTestId('grid-error')).toHaveText('Signal grid cancelled.', {
    timeout: 20_000,
  })
  await expect(page.getByTestId('grid-progress')).toHaveCount(0)
  await expect(page.getByTestId('grid-table').locator('tbody tr')).toHaveCount(9)
})
