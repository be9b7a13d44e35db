/**
 * INFERNO in the Train step end to end (browser mode, real engine): the paper benchmark B2 with
 * tiny settings — both live loss curves while it trains, then the σ table beside the paper's
 * medians, the summary histograms, the scans and the correlations — and INFERNO on the Kaggle
 * H → ττ samples with a weight, a normalisation and a variation-sample nuisance.
 */
import { join } from 'node:path'
import { expect, test } from './fixtures'
import { addCsv, kaggleProject } from './kaggle'

test.beforeEach(async ({ page, workbench }) => {
  await page.goto(workbench.url)
  await expect(page.getByTestId('home')).toBeVisible()
})

test('INFERNO: paper benchmark with live curves and the σ table, then project samples', async ({
  page,
  workbench,
}) => {
  test.setTimeout(240_000)
  const shot = (name: string) =>
    page.screenshot({ path: join(workbench.screens, `inferno-${name}.png`), fullPage: true })

  await kaggleProject(page, join(workbench.dir, 'inferno.hepwb'), 'bkg')
  // The background again with its weights × 1.1 and × 0.9: a variation-sample pair.
  await addCsv(page, 'train_sml_bg.csv', 'bkg_up', 'background', 1.1)
  await addCsv(page, 'train_sml_bg.csv', 'bkg_down', 'background', 0.9)
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
  await page.getByTestId('inferno-add-samples').click()
  await page.getByTestId('inferno-varies-2').selectOption('bkg')
  await page.getByTestId('inferno-up-sample-2').selectOption('bkg_up')
  await page.getByTestId('inferno-down-sample-2').selectOption('bkg_down')
  await page.getByTestId('inferno-nuisances').screenshot({
    path: join(workbench.screens, 'inferno-project-nuisances.png'),
  })
  await expect(page.getByTestId('inferno-blocker')).toHaveCount(0)
  await page.getByTestId('inferno-run').click()
  const sigma = page.getByTestId('inferno-project-sigma')
  await expect(sigma).toBeVisible({ timeout: 120_000 })
  await expect(sigma).toContainText('INFERNO')
  await expect(sigma).toContainText('cross entropy (10 bins)')
  await expect(page.getByTestId('inferno-error')).toHaveCount(0)
  // The variation samples are profiled through var1 and are not stacked as processes (the
  // background is the 4999 weighted events of bkg alone, not three times that).
  await expect(sigma).toContainText('Profiled: norm1, syst1, var1.')
  await expect(sigma).toContainText('background 4999.0')
  await shot('project-result')
  await page
    .getByTestId('inferno-scan')
    .screenshot({ path: join(workbench.screens, 'inferno-project-scan.png') })
})

test('INFERNO: pause, step and watch the soft histograms, resume, study bins, open in Fit', async ({
  page,
  workbench,
}) => {
  test.setTimeout(300_000)
  const shot = (name: string) =>
    page.screenshot({ path: join(workbench.screens, `inferno-${name}.png`), fullPage: true })

  await page.getByTestId('home-new').click()
  await page.getByTestId('path-input').fill(join(workbench.dir, 'inferno-ctl.hepwb'))
  await page.getByTestId('path-submit').click()
  await page.getByTestId('nav-train').click()
  await page.getByTestId('train-tab-inferno').click()
  await page.getByTestId('inferno-mode-benchmark').click()
  // B3 (constrained r and λ): the exported workspace's significance converges in the Fit view.
  await page.getByTestId('inferno-benchmark').selectOption('B3')
  await page.getByTestId('inferno-seeds').fill('1')
  await page.getByTestId('inferno-epochs').fill('6')
  await page.getByTestId('inferno-bce-epochs').fill('2')
  await page.getByTestId('inferno-train-events').fill('10000')
  await page.getByTestId('inferno-test-events').fill('20000')
  await page.getByTestId('inferno-run').click()

  // Pause as soon as the job runs; it holds (no epoch finishes while paused).
  const pause = page.getByTestId('inferno-pause')
  await expect(pause).toBeEnabled({ timeout: 30_000 })
  await pause.click()
  await expect(page.getByTestId('inferno-step-epoch')).toBeVisible()
  const live = page.getByTestId('inferno-live-loss')
  // An epoch that ended just before the pause reaches the (throttled) live curve a moment
  // later: take the count once two readings a second apart agree.
  let epochs0 = -1
  await expect
    .poll(
      async () => {
        const before = epochs0
        epochs0 = Number(await live.getAttribute('data-inferno-epochs'))
        return epochs0 === before
      },
      { intervals: [1000] },
    )
    .toBe(true)
  await page.waitForTimeout(2000)
  await expect(live).toHaveAttribute('data-inferno-epochs', String(epochs0))

  // Step one epoch: exactly one more epoch, with its soft histograms.
  await page.getByTestId('inferno-step-epoch').click()
  await expect(live).toHaveAttribute('data-inferno-epochs', String(epochs0 + 1), {
    timeout: 30_000,
  })
  const soft = page.getByTestId('inferno-soft')
  await expect(soft).toHaveAttribute('data-epoch', String(epochs0 + 1))
  const before = await soft.getAttribute('data-signal')
  await shot('soft-step-1')
  await page.getByTestId('inferno-step-epoch').click()
  await expect(soft).toHaveAttribute('data-epoch', String(epochs0 + 2), { timeout: 30_000 })
  await page.waitForTimeout(1500)
  await expect(live).toHaveAttribute('data-inferno-epochs', String(epochs0 + 2))
  // The bins reorganised between the two epochs.
  expect(await soft.getAttribute('data-signal')).not.toBe(before)
  await page.getByTestId('inferno-step-batch').click()
  await page.waitForTimeout(1000)
  await expect(live).toHaveAttribute('data-inferno-epochs', String(epochs0 + 2))
  await shot('soft-step-2')
  await soft.screenshot({ path: join(workbench.screens, 'inferno-soft-histograms.png') })

  // Resume: it runs to the end; the comparison appears and the soft histograms stay.
  await page.getByTestId('inferno-resume').click()
  const table = page.getByTestId('inferno-sigma-table')
  await expect(table).toBeVisible({ timeout: 120_000 })
  await expect(soft).toHaveAttribute('data-epoch', '6')
  await expect(page.getByTestId('inferno-scan').locator('canvas').first()).toBeVisible()
  await expect(page.getByTestId('inferno-error')).toHaveCount(0)
  await shot('after-resume')

  // One-click study: σ vs the number of bins, six points for INFERNO and cross entropy.
  await page.getByTestId('inferno-study-bins').click()
  const study = page.getByTestId('inferno-study-result')
  await expect(study).toBeVisible({ timeout: 180_000 })
  await expect(study.locator('tbody tr')).toHaveCount(6)
  await expect(study).toContainText('20')
  await expect(page.getByTestId('inferno-error')).toHaveCount(0)
  await page
    .getByTestId('inferno-study')
    .screenshot({ path: join(workbench.screens, 'inferno-study-bins.png') })

  // Export pyhf JSON to a file, then open the summary in the Fit view and fit it with MINOS.
  await page.getByTestId('inferno-export-json').click()
  await page.getByTestId('path-input').fill(join(workbench.dir, 'inferno-b3.json'))
  await page.getByTestId('path-submit').click()
  await expect(page.getByTestId('inferno-exported')).toContainText('inferno-b3.json')
  await page.getByTestId('inferno-open-fit').click()
  await expect(page.getByTestId('view-fit')).toBeVisible()
  await expect(page.locator('[data-testid=workspaces] li.active')).toContainText('INFERNO B3')
  await page.getByTestId('run-fit').click()
  const params = page.getByTestId('parameters')
  await expect(params).toContainText('mu', { timeout: 60_000 })
  await page.getByTestId('run-significance').click()
  await expect(page.getByTestId('fit-summary')).toContainText('σ obs', { timeout: 60_000 })
  await shot('open-in-fit')
})
