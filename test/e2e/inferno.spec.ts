/**
 * INFERNO in the Train step end to end (browser mode, real engine): the paper benchmark B2 with
 * tiny settings — both live loss curves while it trains, then the σ table beside the paper's
 * medians, the summary histograms, the scans and the correlations — and INFERNO on the Kaggle
 * H → ττ samples with a weight and a normalisation nuisance.
 */
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'

const KAGGLE = join(__dirname, '..', '..', '..', 'shared', 'data', 'ATLAS-UK-ML_kaggle-higgs')

test.beforeEach(async ({ page, workbench }) => {
  await page.goto(workbench.url)
  await expect(page.getByTestId('home')).toBeVisible()
})

async function addCsv(page: Page, file: string, name: string, role: 'signal' | 'background') {
  await page.getByTestId('add-sample').click()
  await page.getByTestId('sample-files').fill(join(KAGGLE, file))
  await page.getByTestId('sample-inspect').click()
  await expect(page.getByTestId('sample-found')).toContainText('CSV')
  await page.getByTestId('sample-name').fill(name)
  await page.getByTestId('sample-role').selectOption(role)
  await page.getByTestId('sample-save').click()
  await expect(page.getByTestId('sample-form')).toHaveCount(0)
}

test('INFERNO: paper benchmark with live curves and the σ table, then project samples', async ({
  page,
  workbench,
}) => {
  test.setTimeout(240_000)
  const shot = (name: string) =>
    page.screenshot({ path: join(workbench.screens, `inferno-${name}.png`), fullPage: true })

  await page.getByTestId('home-new').click()
  await page.getByTestId('path-input').fill(join(workbench.dir, 'inferno.hepwb'))
  await page.getByTestId('path-submit').click()
  await page.getByTestId('nav-data').click()
  await addCsv(page, 'train_sml_sig.csv', 'Htautau', 'signal')
  await addCsv(page, 'train_sml_bg.csv', 'bkg', 'background')
  await expect(page.getByTestId('job')).toHaveCount(0, { timeout: 60_000 })

  await page.getByTestId('nav-train').click()
  await page.getByTestId('train-tab-inferno').click()
  await expect(page.getByTestId('inferno-panel')).toBeVisible()

  // Paper benchmark B2, tiny: enough epochs to see both curves grow.
  await page.getByTestId('inferno-mode-benchmark').click()
  await page.getByTestId('inferno-benchmark').selectOption('B2')
  await page.getByTestId('inferno-seeds').fill('1')
  await page.getByTestId('inferno-epochs').fill('6')
  await page.getByTestId('inferno-bce-epochs').fill('4')
  await page.getByTestId('inferno-train-events').fill('10000')
  await page.getByTestId('inferno-test-events').fill('20000')
  await page.getByTestId('inferno-run').click()
  const live = page.getByTestId('inferno-live-loss')
  await expect(live).toBeVisible()
  await expect(live).toHaveAttribute('data-inferno-epochs', /^[2-6]$/, { timeout: 60_000 })
  await shot('benchmark-live-inferno')
  await expect(live).toHaveAttribute('data-bce-epochs', /^[1-4]$/, { timeout: 60_000 })
  await shot('benchmark-live-bce')

  const table = page.getByTestId('inferno-sigma-table')
  await expect(table).toBeVisible({ timeout: 90_000 })
  await expect(table).toContainText('seed 777')
  await expect(table).toContainText('paper, median of 100')
  await expect(table).toContainText('16.95')
  await expect(table).toContainText('23.94')
  for (const id of [
    'inferno-summary-inferno',
    'inferno-summary-bce',
    'inferno-scan',
    'inferno-correlation-inferno',
    'inferno-correlation-bce',
  ])
    await expect(page.getByTestId(id).locator('canvas').first()).toBeVisible()
  await shot('benchmark-result')
  // The panels below the fold, one by one.
  for (const id of ['inferno-scan', 'inferno-correlation-inferno', 'inferno-summary-bce'])
    await page
      .getByTestId(id)
      .screenshot({ path: join(workbench.screens, `inferno-benchmark-${id}.png`) })

  // Project samples: three inputs, a weight nuisance and a normalisation on the background.
  await page.getByTestId('inferno-mode-project').click()
  for (const i of ['DER_mass_transverse_met_lep', 'DER_mass_vis', 'DER_pt_h']) {
    const box = page.getByTestId(`inferno-input-${i}`)
    if (!(await box.isChecked())) await box.check()
  }
  await page.getByTestId('inferno-add-weight').click()
  await page.getByTestId('inferno-up-0').fill('1 + 0.3 * (DER_mass_vis > 80)')
  await page.getByTestId('inferno-down-0').fill('1 - 0.3 * (DER_mass_vis > 80)')
  await page.getByTestId('inferno-add-norm').click()
  await expect(page.getByTestId('inferno-blocker')).toHaveCount(0)
  await page.getByTestId('inferno-run').click()
  const sigma = page.getByTestId('inferno-project-sigma')
  await expect(sigma).toBeVisible({ timeout: 120_000 })
  await expect(sigma).toContainText('INFERNO')
  await expect(sigma).toContainText('cross entropy (10 bins)')
  await expect(page.getByTestId('inferno-error')).toHaveCount(0)
  await shot('project-result')
  await page
    .getByTestId('inferno-scan')
    .screenshot({ path: join(workbench.screens, 'inferno-project-scan.png') })
})
