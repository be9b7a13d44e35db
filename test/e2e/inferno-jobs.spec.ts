/**
 * INFERNO jobs and results in the window (issue 17, items 3 and 15), end to end with the Kaggle
 * H → ττ samples: while paused, a step by one batch shows the batch count and that batch's loss;
 * the trained summary is stored in the project, listed and shown again (σ table) after the
 * project is closed and reopened, and its bin is applied as a variable.
 */
import { join } from 'node:path'
import { expect, test } from './fixtures'
import { kaggleProject } from './kaggle'

test('INFERNO: step batch shows the batch and its loss; the result survives reopening', async ({
  page,
  workbench,
}) => {
  test.setTimeout(180_000)
  const path = join(workbench.dir, 'inferno-store.hepwb')
  await page.goto(workbench.url)
  await kaggleProject(page, path, 'bkg')
  await page.getByTestId('nav-train').click()
  await page.getByTestId('train-tab-inferno').click()
  await page.getByTestId('inferno-mode-project').click()
  for (const i of ['DER_mass_transverse_met_lep', 'DER_mass_vis', 'DER_pt_h']) {
    const box = page.getByTestId(`inferno-input-${i}`)
    if (!(await box.isChecked())) await box.check()
  }
  // Long enough that the pause below lands mid-training on a fast machine too: small batches,
  // no early stop.
  await page.getByTestId('inferno-project-epochs').fill('40')
  await page.getByTestId('inferno-project-bce-epochs').fill('2')
  await page.getByLabel('Batch', { exact: true }).fill('100')
  await page.getByLabel('Patience', { exact: true }).fill('40')
  await page.getByTestId('inferno-run').click()

  // Paused, each "Step batch" visibly advances: the batch count by one, with its loss.
  const pause = page.getByTestId('inferno-pause')
  await expect(pause).toBeEnabled({ timeout: 30_000 })
  await pause.click()
  const batch = page.getByTestId('inferno-batch')
  await expect(batch).toBeVisible({ timeout: 30_000 })
  const count = async () => Number(/batch (\d+)/.exec(await batch.innerText())?.[1])
  // The batch in flight when the pause was asked for still ends: wait for the count to settle.
  let n0 = -1
  await expect
    .poll(async () => {
      const before = n0
      n0 = await count()
      return n0 === before
    })
    .toBe(true)
  await page.getByTestId('inferno-step-batch').click()
  await expect(batch).toContainText(`batch ${n0 + 1} `)
  await expect(batch).toContainText(/· loss [-\d.e]+/)
  await page.getByTestId('inferno-step-batch').click()
  await expect(batch).toContainText(`batch ${n0 + 2} `)

  // Resumed to the end: the σ table, and the summary listed as a stored model.
  await page.getByTestId('inferno-resume').click()
  const sigma = page.getByTestId('inferno-project-sigma')
  await expect(sigma).toBeVisible({ timeout: 120_000 })
  await expect(page.getByTestId('inferno-model')).toHaveCount(1)
  const table = (await sigma.locator('table').textContent()) ?? ''

  // Closed and reopened: the same result is shown again, not lost.
  await page.getByTestId('close-project').click()
  await expect(page.getByTestId('home')).toBeVisible()
  await page.getByTestId('home-open').click()
  await page.getByTestId('path-input').fill(path)
  await page.getByTestId('path-submit').click()
  await page.getByTestId('nav-train').click()
  await page.getByTestId('train-tab-inferno').click()
  await page.getByTestId('inferno-mode-project').click()
  await expect(page.getByTestId('inferno-model')).toHaveCount(1)
  await expect(sigma.locator('table')).toHaveText(table)
  await expect(page.getByTestId('inferno-scan').locator('canvas').first()).toBeVisible()

  // Its bin, applied as a variable.
  await page.getByTestId('inferno-apply-name').fill('inferno_bin')
  await page.getByTestId('inferno-apply-submit').click()
  await expect(page.getByTestId('inferno-notice')).toContainText('inferno_bin')
  await expect(page.getByTestId('inferno-model')).toContainText('inferno_bin')
  await expect(page.getByTestId('inferno-apply-submit')).toHaveText('Rename')
  await expect(page.getByTestId('inferno-apply-remove')).toBeVisible()
  await page
    .getByTestId('inferno-models')
    .screenshot({ path: join(workbench.screens, 'inferno-models.png') })
})
