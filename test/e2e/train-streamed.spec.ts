/**
 * Training beyond the memory budget, as a user meets it (issue 13, item 1): with Project →
 * Compute's budget below what the Kaggle H → ττ selection needs, Fisher trains out of core by
 * passes over the partitions; the result says so, and its AUC is the in-memory one.
 */
import { join } from 'node:path'
import { expect, test } from './fixtures'
import { kaggleProject } from './kaggle'

// Eight inputs: ≈ 10⁴ selected events × (17 × 8 + 48) bytes ≈ 1.8 MB of rows, more than the
// smallest budget the Project view takes (0.001 GiB).
const INPUTS = [
  'DER_mass_MMC',
  'DER_mass_transverse_met_lep',
  'DER_mass_vis',
  'DER_pt_h',
  'DER_sum_pt',
  'PRI_tau_pt',
  'PRI_lep_pt',
  'PRI_met',
]

test('Fisher trained out of core under a small memory budget: the in-memory AUC, and the result says so', async ({
  page,
  workbench,
}) => {
  await page.goto(workbench.url)
  await expect(page.getByTestId('home')).toBeVisible()
  await kaggleProject(page, join(workbench.dir, 'streamed.hepwb'))

  const train = async () => {
    await page.getByTestId('nav-train').click()
    await expect(page.getByTestId('view-train')).toBeVisible()
    await page.getByTestId('train-kind-lda').click()
    if (await page.getByTestId('train-inputs-clear').isVisible())
      await page.getByTestId('train-inputs-clear').click()
    for (const v of INPUTS) await page.getByTestId(`train-input-${v}`).check()
    await page.getByTestId('train-start').click()
    await expect(page.getByTestId('train-result')).toBeVisible({ timeout: 60_000 })
    await expect(page.getByTestId('train-error')).toHaveCount(0)
    return Number(await page.getByTestId('train-auc').innerText())
  }

  // In memory first (the default budget: a quarter of the machine's memory).
  const inMemory = await train()
  await expect(page.getByTestId('train-streamed')).toHaveCount(0)

  // 0.001 GiB ≈ 1 MiB: less than the selected rows need.
  await page.getByTestId('nav-home').click()
  await expect(page.getByTestId('project-overview')).toBeVisible()
  await page.getByTestId('compute-memory').fill('0.001')
  await page.getByTestId('compute-memory').dispatchEvent('change')
  await expect(page.getByRole('alert')).toHaveCount(0)

  const outOfCore = await train()
  await expect(page.getByTestId('train-streamed')).toContainText(
    /out of core: \d+ partitions, \d+ passes/,
  )
  expect(outOfCore).toBe(inMemory)
  await page.screenshot({ path: join(workbench.screens, 'train-streamed.png'), fullPage: true })
})
