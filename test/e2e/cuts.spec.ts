/**
 * The Cuts & Regions view end to end: a real engine and project with the Z → μμ sample, a
 * derived variable, a region of three cuts, the cut-flow following a threshold change, and a
 * reload that keeps everything.
 */
import { join } from 'node:path'
import { expect, test } from './fixtures'

const ZMUMU = join(
  __dirname,
  '..',
  '..',
  '..',
  'shared',
  'data',
  'skhep-testdata',
  'uproot-Zmumu.root',
)
const SCREENS = join(__dirname, '..', '..', 'test-results', 'screens')

test.describe.configure({ mode: 'serial' })

// Each test gets its own server, engine and config folder (fixtures.ts): it starts on the
// welcome page with no project open.
test.beforeEach(async ({ page, workbench }) => {
  await page.goto(workbench.url)
  await expect(page.getByTestId('home')).toBeVisible()
})

test('derived variable, region with three cuts, live cut-flow, reload', async ({
  page,
  workbench,
}) => {
  await page.getByTestId('home-new').click()
  await page.getByTestId('path-input').fill(join(workbench.dir, 'cuts.hepwb'))
  await page.getByTestId('path-submit').click()
  await page.getByTestId('nav-data').click()
  await page.getByTestId('add-sample').click()
  await page.getByTestId('sample-files').fill(ZMUMU)
  await page.getByTestId('sample-inspect').click()
  await expect(page.getByTestId('sample-table')).toHaveValue('events')
  await page.getByTestId('sample-name').fill('Zmumu')
  await page.getByTestId('sample-save').click()
  await expect(page.getByTestId('sample-form')).toHaveCount(0)
  await expect(page.getByTestId('job')).toHaveCount(0, { timeout: 60_000 })

  await page.getByTestId('nav-cuts').click()
  await page.getByTestId('var-name').fill('ptsum')
  await page.getByTestId('var-expr').fill('pt1 + pt2')
  await page.getByTestId('var-add').click()
  await expect(page.getByTestId('variables')).toContainText('ptsum = pt1 + pt2')

  await page.getByTestId('region-name').fill('SR')
  await page.getByTestId('region-add').click()
  await expect(page.getByTestId('region')).toHaveCount(1)

  const exprs = ['Q1 * Q2 < 0', 'ptsum > 60', 'M > 80']
  for (const [i, e] of exprs.entries()) {
    await page.getByTestId('cut-add').click()
    await page.getByTestId('cut-expr').nth(i).fill(e)
  }
  // A typo shows the checker's message with its position, and is not saved.
  await page.getByTestId('cut-expr').nth(2).fill('Mas > 80')
  await expect(page.getByTestId('cut-error')).toContainText("unknown variable 'Mas' at 0")
  await page.getByTestId('cut-expr').nth(2).fill('M > 80')
  await expect(page.getByTestId('cut-error')).toHaveCount(0)

  const table = page.getByTestId('cutflow-table')
  await expect(table.locator('tbody tr')).toHaveCount(3)
  await expect(table.locator('tbody tr').nth(2)).toContainText('M > 80')
  const before = await table.locator('tbody tr').nth(2).locator('td').nth(1).innerText()
  await page.getByTestId('cut').nth(2).click()
  await expect(page.getByTestId('nminus1-caption')).toContainText('cut 3: M')
  await expect(page.getByTestId('threshold-slider')).toBeVisible()
  await page.screenshot({ path: join(SCREENS, 'cuts-region.png'), fullPage: true })

  // A tighter threshold: the last row changes.
  await page.getByTestId('cut-expr').nth(2).fill('M > 95')
  await expect(table.locator('tbody tr').nth(2)).toContainText('M > 95')
  const after = await table.locator('tbody tr').nth(2).locator('td').nth(1).innerText()
  expect(after).not.toBe(before)
  await page.screenshot({ path: join(SCREENS, 'cuts-threshold.png'), fullPage: true })

  await page.reload()
  await page.getByTestId('nav-cuts').click()
  await expect(page.getByTestId('variables')).toContainText('ptsum = pt1 + pt2')
  await expect(page.getByTestId('cut-expr')).toHaveCount(3)
  await expect(page.getByTestId('cut-expr').nth(2)).toHaveValue('M > 95')
  await expect(page.getByTestId('cutflow-table').locator('tbody tr').nth(2)).toContainText(after)
  await page.screenshot({ path: join(SCREENS, 'cuts-reload.png'), fullPage: true })

  // The slider beside the N−1 plot rewrites the constant of the simple cut.
  await page.getByTestId('cut').nth(2).click()
  await expect(page.getByTestId('threshold-slider')).toBeVisible()
  await page.getByTestId('threshold-slider').fill('90')
  await expect(page.getByTestId('cut-expr').nth(2)).toHaveValue(/^M > (89|9\d)(\.\d+)?$/)
  await expect(page.getByTestId('cutflow-table').locator('tbody tr').nth(2)).not.toContainText(
    after,
  )
})
