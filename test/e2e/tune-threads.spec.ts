/**
 * The Tune view's live curves for trials run on worker threads (issue 13): a study with two
 * trials at once runs them on two threads of the engine's pool (the built worker), and each
 * trial's per-epoch values come back while it trains, as they do for trials in the engine.
 */
import { join } from 'node:path'
import { expect, test } from './fixtures'
import { kaggleProject } from './kaggle'

const INPUTS = ['DER_mass_MMC', 'DER_mass_vis', 'PRI_met']
const EPOCHS = 4

test('trials on two worker threads draw their epochs live', async ({ page, workbench }) => {
  test.setTimeout(240_000)
  await page.goto(workbench.url)
  await expect(page.getByTestId('home')).toBeVisible()
  await kaggleProject(page, join(workbench.dir, 'tune-threads.hepwb'))

  await page.getByTestId('nav-tune').click()
  await expect(page.getByTestId('view-tune')).toBeVisible()
  await page.getByTestId('train-kind-mlp').click()
  if (await page.getByTestId('train-inputs-clear').isVisible())
    await page.getByTestId('train-inputs-clear').click()
  for (const v of INPUTS) await page.getByTestId(`train-input-${v}`).check()
  await page.getByTestId('mlp-epochs').fill(String(EPOCHS))
  await page.getByTestId('mlp-patience').fill('0')
  await page.getByTestId('tune-algorithm').selectOption('random')
  await page.getByTestId('tune-pruner').selectOption('none')
  await page.getByTestId('tune-trials-n').fill('2')
  await page.getByTestId('tune-parallel').fill('2')
  await page.getByTestId('tune-name').fill('threads')
  await expect(page.getByTestId('tune-blocker')).toHaveCount(0)
  await page.getByTestId('tune-start').click()

  const study = page.getByTestId('tune-study-threads')
  await expect(study).toBeVisible()
  await expect(study).toHaveAttribute('data-state', 'done', { timeout: 180_000 })
  await expect(page.locator('[data-testid^="tune-trial-"][data-state="complete"]')).toHaveCount(2)
  // Both trials' epochs came live from the threads (before: none — only their results came).
  await expect
    .poll(async () => Number(await page.getByTestId('view-tune').getAttribute('data-live-epochs')))
    .toBe(2 * EPOCHS)
  await page.getByTestId('tune-curves').scrollIntoViewIfNeeded()
  await page
    .getByTestId('tune-curves')
    .screenshot({ path: join(workbench.screens, 'tune-threads-curves.png') })
})
