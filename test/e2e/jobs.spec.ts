/**
 * Jobs and the window (issue 17, items 1 and 2), end to end with the Kaggle H → ττ samples: a
 * network training while its project is closed asks first, keeps running, and is stored in the
 * project it was started in — never in the one opened meanwhile; a reload during training
 * re-attaches to the job (progress, the loss so far, Train disabled) and shows the model when it
 * is done, without a second reload.
 */
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { kaggleProject } from './kaggle'

const INPUTS = ['DER_mass_transverse_met_lep', 'DER_mass_vis', 'DER_pt_h']

test.describe.configure({ mode: 'serial' })

test.beforeEach(async ({ page, workbench }) => {
  await page.goto(workbench.url)
  await expect(page.getByTestId('home')).toBeVisible()
})

/** Starts a small network with `epochs` epochs in the Train view and waits for its first epoch. */
async function startNetwork(page: Page, epochs: number): Promise<void> {
  await page.getByTestId('nav-train').click()
  await expect(page.getByTestId('view-train')).toBeVisible()
  if (await page.getByTestId('train-inputs-clear').isVisible())
    await page.getByTestId('train-inputs-clear').click()
  for (const v of INPUTS) await page.getByTestId(`train-input-${v}`).check()
  await page.getByTestId('train-kind-mlp').click()
  await page.getByTestId('mlp-layers').fill('8')
  await page.getByTestId('mlp-epochs').fill(String(epochs))
  // No early stop: the job runs its epochs (long enough to act on it while it runs).
  await page.getByTestId('mlp-patience').fill('0')
  await page.getByTestId('train-start').click()
  await expect(page.getByTestId('train-progress')).toBeVisible()
  await expect(page.getByTestId('view-train')).not.toHaveAttribute('data-live-epochs', '0', {
    timeout: 60_000,
  })
}

test('close during a job: asked first, kept running, stored in its own project', async ({
  page,
  workbench,
}) => {
  const kaggle = join(workbench.dir, 'kaggle.hepwb')
  const other = join(workbench.dir, 'other.hepwb')
  await kaggleProject(page, kaggle)
  // Long enough (15–80 epochs/s here) to still run when the other project is open.
  await startNetwork(page, 400)

  // Close: the question comes first; "Don't close" stays.
  await page.getByTestId('close-project').click()
  await expect(page.getByTestId('running-jobs-question')).toContainText('Train Neural network')
  await page.getByTestId('stay-in-project').click()
  await expect(page.getByTestId('running-jobs-question')).toHaveCount(0)
  await expect(page.getByTestId('project-name')).toBeVisible()
  await page.getByTestId('close-project').click()
  await page.getByTestId('keep-jobs').click()
  await expect(page.getByTestId('home')).toBeVisible()

  // Another project opens while the network still trains (the status bar shows it).
  await page.getByTestId('home-new').click()
  await page.getByTestId('path-input').fill(other)
  await page.getByTestId('path-submit').click()
  await expect(page.getByTestId('project-name')).toBeVisible()
  await expect(page.getByTestId('job')).toHaveCount(1)
  await expect(page.getByTestId('job')).toHaveCount(0, { timeout: 120_000 })
  // The window says where its result went.
  await expect(page.getByTestId('job-elsewhere')).toContainText(`done in ${kaggle}`)

  // The other project has no model and no run of it.
  await page.getByTestId('nav-train').click()
  await expect(page.getByTestId('view-train')).toBeVisible()
  await expect(page.getByTestId('train-model')).toHaveCount(0)
  await page.getByTestId('nav-home').click()
  await expect(page.getByTestId('project-overview')).not.toContainText('Train Neural network')

  // The Kaggle project has the network when it is reopened.
  await page.getByTestId('open-project').click()
  await page.getByTestId('path-input').fill(kaggle)
  await page.getByTestId('path-submit').click()
  await page.getByTestId('nav-train').click()
  await expect(page.getByTestId('train-model')).toHaveCount(1)
  await expect(page.getByTestId('train-result')).toBeVisible()
})

test('reload during a job: progress comes back, Train stays disabled, the model appears', async ({
  page,
  workbench,
}) => {
  await kaggleProject(page, join(workbench.dir, 'reload.hepwb'))
  await startNetwork(page, 300)
  await page.reload()

  // Re-attached: the job's progress and the loss of the epochs run so far, Train disabled.
  await expect(page.getByTestId('train-progress')).toBeVisible()
  await expect(page.getByTestId('train-start')).toBeDisabled()
  await expect(page.getByTestId('view-train')).not.toHaveAttribute('data-live-epochs', '0')
  // The model appears when the job ends, with no second reload.
  await expect(page.getByTestId('train-progress')).toHaveCount(0, { timeout: 120_000 })
  await expect(page.getByTestId('view-train')).toHaveAttribute('data-live-epochs', '300')
  await expect(page.getByTestId('train-model')).toHaveCount(1)
  await expect(page.getByTestId('train-result')).toBeVisible()
  await expect(page.getByTestId('train-start')).toBeEnabled()
})
