/**
 * The Train view end to end: a real engine and project with the ATLAS Kaggle H → ττ samples
 * (signal and background CSVs); Fisher on five inputs with its ROC and AUC; rectangular cuts
 * with a cut set saved as a region; a small network with live loss curves and the overtraining
 * plot; ROCs compared; the network output applied as a variable and cut on in Cuts & Regions.
 */
import { join } from 'node:path'
import { expect, test } from './fixtures'
import { kaggleProject } from './kaggle'

const INPUTS = [
  'DER_mass_MMC',
  'DER_mass_transverse_met_lep',
  'DER_mass_vis',
  'DER_pt_h',
  'PRI_tau_pt',
]

test.describe.configure({ mode: 'serial' })

test.beforeEach(async ({ page, workbench }) => {
  await page.goto(workbench.url)
  await expect(page.getByTestId('home')).toBeVisible()
})

test('Fisher and a network on the Kaggle H → ττ set: ROC, loss, overtraining, apply', async ({
  page,
  workbench,
}) => {
  const shot = (name: string) =>
    page.screenshot({ path: join(workbench.screens, `train-${name}.png`), fullPage: true })

  await kaggleProject(page, join(workbench.dir, 'htautau.hepwb'))

  // Set-up: samples by role, five inputs picked from the columns.
  await page.getByTestId('nav-train').click()
  await expect(page.getByTestId('view-train')).toBeVisible()
  await expect(page.getByTestId('train-signal-Htautau')).toBeChecked()
  await expect(page.getByTestId('train-background-background')).toBeChecked()
  await expect(page.getByTestId('train-signal-background')).not.toBeChecked()
  await expect(page.getByTestId('train-input-DER_mass_MMC')).toBeVisible()
  if (await page.getByTestId('train-inputs-clear').isVisible())
    await page.getByTestId('train-inputs-clear').click()
  await expect(page.getByTestId('train-blocker')).toContainText('input variables')
  for (const v of INPUTS) await page.getByTestId(`train-input-${v}`).check()
  await expect(page.getByTestId('train-input-chip')).toHaveCount(5)

  // A typo in a free expression: the engine's message names it, the set-up stays as it was.
  await page.getByTestId('train-kind-lda').click()
  await page.getByTestId('train-input-expr').fill('DER_pt_h / PRI_tau_ptt')
  await page.getByTestId('train-input-expr').press('Enter')
  await expect(page.getByTestId('train-input-chip')).toHaveCount(6)
  await page.getByTestId('train-start').click()
  await expect(page.getByTestId('train-error')).toContainText('PRI_tau_ptt')
  await expect(page.getByTestId('train-input-chip')).toHaveCount(6)
  await shot('error')
  await page.getByTestId('train-input-chip').nth(5).getByRole('button').click()
  await expect(page.getByTestId('train-input-chip')).toHaveCount(5)

  // Fisher: coefficients, ROC with its AUC.
  await page.getByTestId('train-start').click()
  const result = page.getByTestId('train-result')
  await expect(result).toBeVisible({ timeout: 60_000 })
  await expect(page.getByTestId('train-error')).toHaveCount(0)
  await expect(page.getByTestId('fisher-table').locator('tbody tr')).toHaveCount(6)
  const fisherAuc = Number(await page.getByTestId('train-auc').innerText())
  expect(fisherAuc).toBeGreaterThan(0.6)
  expect(fisherAuc).toBeLessThan(1)
  await expect(page.getByTestId('train-model')).toHaveCount(1)
  await expect(page.getByTestId('train-model-auc')).toHaveText(fisherAuc.toFixed(3))
  await shot('fisher')

  // Rectangular cuts: the best cut set per ε_S, one of them saved as a region.
  await page.getByTestId('train-kind-cuts').click()
  await page.getByTestId('train-start').click()
  await expect(page.getByTestId('train-model')).toHaveCount(2, { timeout: 60_000 })
  await expect(page.getByTestId('train-error')).toHaveCount(0)
  await expect(page.getByTestId('cut-sets').locator('tbody tr')).not.toHaveCount(0)
  await page.getByTestId('cut-set-region').nth(4).click()
  await expect(page.getByTestId('train-notice')).toContainText(/Region cuts_eff\d+ created/)
  const cutRegion = ((await page.getByTestId('train-notice').innerText()).match(/cuts_eff\d+/) ?? [
    '',
  ])[0]
  await shot('cuts')

  // A small network: the loss arrives per epoch while it trains, then the overtraining plot.
  await page.getByTestId('train-kind-mlp').click()
  await page.getByTestId('mlp-layers').fill('16,16')
  await page.getByTestId('mlp-epochs').fill('5')
  await page.getByTestId('train-start').click()
  await expect(page.getByTestId('train-progress')).toHaveCount(0, { timeout: 90_000 })
  await expect(page.getByTestId('train-error')).toHaveCount(0)
  // Every epoch's loss came as a metric event while it trained.
  await expect(page.getByTestId('view-train')).toHaveAttribute('data-live-epochs', '5')
  await expect(page.getByTestId('mlp-facts')).toContainText('Epochs run5')
  await expect(page.getByTestId('train-model')).toHaveCount(3)
  await expect(page.getByTestId('train-output')).toBeVisible()
  const mlpAuc = Number(await page.getByTestId('train-auc').innerText())
  expect(mlpAuc).toBeGreaterThan(0.6)
  await shot('mlp')

  // The other evaluation plots, one look each.
  for (const tab of ['output', 'roc', 'efficiency', 'inputs', 'correlation', 'ranking']) {
    await page.getByTestId(`train-tab-${tab}`).click()
    await shot(`tab-${tab}`)
  }
  await expect(page.getByTestId('train-ranking').locator('tbody tr')).toHaveCount(5)
  await page.getByTestId('train-tab-efficiency').click()
  await expect(page.getByTestId('train-optimal')).toContainText('Optimal cut')

  // Both ROCs in one plot.
  await page.getByTestId('train-compare').nth(0).check()
  await page.getByTestId('train-compare').nth(1).check()
  await expect(page.getByTestId('train-compare-plot')).toBeVisible()
  await shot('compare')

  // Apply the network: its output becomes a variable the Cuts step accepts.
  await page.getByTestId('apply-name').fill('nn_score')
  await page.getByTestId('apply-submit').click()
  await expect(page.getByTestId('applied-as')).toContainText('nn_score')
  await expect(page.getByTestId('train-model').filter({ hasText: 'nn_score' })).toHaveCount(1)
  await shot('applied')
  await page
    .getByTestId('train-apply')
    .screenshot({ path: join(workbench.screens, 'train-apply-form.png') })

  // Export the network to a folder (TensorFlow.js format).
  await page.getByTestId('export-model').click()
  await page.getByTestId('path-input').fill(join(workbench.dir, 'nn-export'))
  await page.getByTestId('path-submit').click()
  await expect(page.getByTestId('train-notice')).toContainText('model.json')

  await page.getByTestId('nav-cuts').click()
  // The cut set's region, named in its (editable) name field.
  await expect(page.getByTestId('region').first().locator('input').first()).toHaveValue(cutRegion)
  await page.getByTestId('region-name').fill('NN')
  await page.getByTestId('region-add').click()
  await page.getByTestId('cut-add').click()
  await page.getByTestId('cut-expr').nth(0).fill('nn_score > 0.5')
  await expect(page.getByTestId('cutflow-table').locator('tbody tr')).toHaveCount(1)
  await expect(page.getByTestId('cut-error')).toHaveCount(0)
  await expect(page.getByTestId('cutflow-table')).toContainText('nn_score > 0.5')
  await shot('cut-on-output')

  // The set-up is remembered per project.
  await page.reload()
  await page.getByTestId('nav-train').click()
  await expect(page.getByTestId('train-input-chip')).toHaveCount(5)
  await expect(page.getByTestId('mlp-layers')).toHaveValue('16,16')

  // A long run: its loss curve grows while it trains; Cancel stops it and keeps the set-up.
  // The most epochs allowed: a small network on 3000 events runs ~150 epochs/s, so fewer may end before Cancel.
  await page.getByTestId('mlp-epochs').fill('10000')
  await page.getByTestId('mlp-patience').fill('0')
  await page.getByTestId('train-start').click()
  await expect(page.getByTestId('train-progress')).toBeVisible()
  await expect
    .poll(
      async () => Number(await page.getByTestId('view-train').getAttribute('data-live-epochs')),
      {
        timeout: 60_000,
      },
    )
    .toBeGreaterThanOrEqual(3)
  await expect(page.getByTestId('train-eta')).toContainText('left')
  await page.getByTestId('train-progress').scrollIntoViewIfNeeded()
  await shot('mlp-live')
  await page.getByTestId('train-cancel').click()
  await expect(page.getByTestId('train-progress')).toHaveCount(0, { timeout: 30_000 })
  await expect(page.getByTestId('train-error')).toContainText('cancelled')
  await expect(page.getByTestId('train-model')).toHaveCount(3)
  await expect(page.getByTestId('train-input-chip')).toHaveCount(5)
})
