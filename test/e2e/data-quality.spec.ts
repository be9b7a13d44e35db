/**
 * What a new user sees of missing values, training inputs and the demo (issue 17, items 16–18),
 * through the real UI and engine: Kaggle's −999 set as the samples' missing value leaves
 * DER_mass_MMC's mean and range (min > 0) and says how many were missing; the Train step
 * proposes no inputs, lists each derived variable once, warns when `Weight` is chosen and names
 * a text column "not numeric" as it is typed; the demo says why its data and simulation differ
 * and its correlation matrix holds no constant column.
 */
import { join } from 'node:path'
import { expect, test } from './fixtures'
import { kaggleProject } from './kaggle'

test.beforeEach(async ({ page, workbench }) => {
  await page.goto(workbench.url)
  await expect(page.getByTestId('home')).toBeVisible()
})

test('Kaggle: −999 is missing in the explorer; the input picker warns', async ({
  page,
  workbench,
}) => {
  await kaggleProject(page, join(workbench.dir, 'quality.hepwb'))

  // The explorer: DER_mass_MMC of the signal without its −999s.
  const row = page.getByTestId('variable-DER_mass_MMC')
  await expect(row.getByTestId('stat-min')).not.toHaveText('…', { timeout: 60_000 })
  await expect(page.getByTestId('stats-marker')).toContainText('-999 read as missing')
  // 158 of the 4999 signal events have no MMC mass; the smallest defined one is ≈ 9.9 GeV.
  await expect(row.getByTestId('stat-missing')).toHaveText('158')
  const min = Number(await row.getByTestId('stat-min').textContent())
  expect(min).toBeGreaterThan(0)
  const mean = Number(await row.getByTestId('stat-mean').textContent())
  expect(mean).toBeGreaterThan(100)
  expect(mean).toBeLessThan(140)
  // Its histogram starts at 0 rather than −1000.
  await row.click()
  await expect(page.getByTestId('lo-input')).toHaveValue('0')
  await page.screenshot({
    path: join(workbench.screens, 'quality-kaggle-data.png'),
    fullPage: true,
  })

  // A derived variable, listed once in the picker.
  await page.getByTestId('nav-cuts').click()
  await page.getByTestId('var-name').fill('mratio')
  await page.getByTestId('var-expr').fill('DER_mass_vis / DER_mass_MMC')
  await page.getByTestId('var-add').click()
  await expect(page.getByTestId('variables')).toContainText('mratio')

  await page.getByTestId('nav-train').click()
  await expect(page.getByTestId('view-train')).toBeVisible()
  await expect(page.getByTestId('train-input-DER_mass_vis')).toBeVisible()
  // No inputs are proposed.
  await expect(page.getByTestId('train-input-chip')).toHaveCount(0)
  await expect(page.getByTestId('train-input-mratio')).toHaveCount(1)
  // Tags in the list: Weight, and the jet variables' missing fraction.
  await expect(page.getByTestId('train-input-tag-Weight')).toHaveText('weight')
  await expect(page.getByTestId('train-input-tag-PRI_jet_leading_pt')).toContainText('% missing')
  await expect(page.getByTestId('train-input-tag-Label')).toHaveText('not numeric')
  await expect(page.getByTestId('train-input-Label')).toBeDisabled()

  // Choosing Weight warns at once.
  await page.getByTestId('train-input-DER_mass_vis').check()
  await page.getByTestId('train-input-Weight').check()
  await expect(page.getByTestId('train-input-warning')).toHaveCount(1)
  await expect(page.getByTestId('train-input-warning')).toContainText("'Weight' is an event weight")

  // Typing a text column: named "not numeric", not added.
  await page.getByTestId('train-input-expr').fill('Label')
  await page.getByTestId('train-input-expr').press('Enter')
  await expect(page.getByTestId('train-input-expr-error')).toContainText(
    "'Label' is not numeric: text column",
  )
  await expect(page.getByTestId('train-input-chip')).toHaveCount(2)
  await expect(page.getByTestId('train-missing-markers')).toContainText('Htautau -999')
  await page.screenshot({
    path: join(workbench.screens, 'quality-kaggle-train.png'),
    fullPage: true,
  })
})

test('the demo says what it shows; its correlation matrix has no constant column', async ({
  page,
  workbench,
}) => {
  await page.getByTestId('home-demo').click()
  await expect(page.getByTestId('view-data')).toBeVisible({ timeout: 30_000 })
  await expect(page.getByTestId('project-note')).toContainText('dimuon triggers')
  await expect(page.getByTestId('project-note')).toContainText('not a measurement')
  const panel = page.getByTestId('correlation-panel')
  await expect(panel.getByTestId('chart')).toBeVisible({ timeout: 60_000 })
  await expect(panel.locator('.chip')).toHaveCount(9)
  await expect(panel).not.toContainText('(constant)')
  await expect(page.getByTestId('variable-MET_pt')).not.toContainText('…', { timeout: 90_000 })
  await page.screenshot({ path: join(workbench.screens, 'quality-demo-data.png'), fullPage: true })

  // A constant column added by hand is named as such.
  await panel.getByTestId('corr-add').fill('run')
  await panel.getByTestId('corr-add').press('Enter')
  await expect(panel.getByTestId('corr-constant')).toContainText('run')
  await page
    .locator('.pair')
    .screenshot({ path: join(workbench.screens, 'quality-demo-correlation.png') })
})
