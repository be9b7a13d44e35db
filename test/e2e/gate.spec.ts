/**
 * Pause / step / resume of a training in the window (issue 14), end to end with the Kaggle
 * H → ττ samples: a network in the Train step is paused (the status bar says so), stepped by
 * one epoch — the epoch count goes up by exactly one — and resumed; an autoencoder in the
 * Anomaly step shows its events as input vs reconstruction and its latent space, one picture
 * per step while paused.
 */
import { join } from 'node:path'
import { expect, test } from './fixtures'
import { kaggleProject } from './kaggle'

const INPUTS = ['DER_mass_transverse_met_lep', 'DER_mass_vis', 'DER_pt_h', 'PRI_tau_pt', 'PRI_met']

test.describe.configure({ mode: 'serial' })

test.beforeEach(async ({ page, workbench }) => {
  await page.goto(workbench.url)
  await expect(page.getByTestId('home')).toBeVisible()
})

test('a network in the Train step: pause, step one epoch, resume', async ({ page, workbench }) => {
  const shot = (name: string) =>
    page.screenshot({ path: join(workbench.screens, `gate-${name}.png`), fullPage: true })
  await kaggleProject(page, join(workbench.dir, 'gate.hepwb'))
  await page.getByTestId('nav-train').click()
  await expect(page.getByTestId('view-train')).toBeVisible()
  if (await page.getByTestId('train-inputs-clear').isVisible())
    await page.getByTestId('train-inputs-clear').click()
  for (const v of INPUTS.slice(0, 3)) await page.getByTestId(`train-input-${v}`).check()
  await page.getByTestId('train-kind-mlp').click()
  await page.getByTestId('mlp-layers').fill('8')
  await page.getByTestId('mlp-epochs').fill('400')
  await page.getByTestId('mlp-patience').fill('0')
  await page.getByTestId('train-start').click()
  const view = page.getByTestId('view-train')
  await expect(view).not.toHaveAttribute('data-live-epochs', '0', { timeout: 60_000 })

  // Pause: the status bar says so, and the step buttons appear.
  await page.getByTestId('train-pause').click()
  await expect(page.getByTestId('train-step-epoch')).toBeVisible()
  await expect(page.getByTestId('job-paused')).toContainText('paused')
  // Held mid-epoch: finish that epoch first, so the count below starts at a boundary.
  await page.getByTestId('train-step-epoch').click()
  await expect(page.getByTestId('train-step-epoch')).toBeEnabled()
  await page.waitForTimeout(600) // the live curve redraws at most 4× a second
  const before = Number(await view.getAttribute('data-live-epochs'))
  await page.waitForTimeout(600)
  expect(Number(await view.getAttribute('data-live-epochs'))).toBe(before)
  await shot('train-paused')

  // One epoch step: exactly one more epoch on the curve, then it holds again.
  await page.getByTestId('train-step-epoch').click()
  await expect(view).toHaveAttribute('data-live-epochs', String(before + 1))
  await page.waitForTimeout(800)
  await expect(view).toHaveAttribute('data-live-epochs', String(before + 1))
  await expect(page.getByTestId('train-gate-state')).toContainText('paused')
  // A learning rate set while paused waits for the next step.
  await page.getByTestId('train-setting-learningRate').fill('0.0005')
  await page.getByTestId('train-setting-learningRate').press('Enter')
  await expect(page.getByTestId('train-setting-pending')).toBeVisible()
  await shot('train-stepped')
  await page.getByTestId('train-step-batch').click()
  await expect(page.getByTestId('train-setting-pending')).toHaveCount(0)

  // Resume: it runs on (the status bar no longer says paused), then cancel.
  await page.getByTestId('train-resume').click()
  await expect(page.getByTestId('job-paused')).toHaveCount(0)
  await expect(view).not.toHaveAttribute('data-live-epochs', String(before + 1), {
    timeout: 30_000,
  })
  await page.getByTestId('train-cancel').click()
  await expect(page.getByTestId('train-progress')).toHaveCount(0, { timeout: 30_000 })
})

test('an autoencoder in the Anomaly step: input vs reconstruction and the latent space, per step', async ({
  page,
  workbench,
}) => {
  await kaggleProject(page, join(workbench.dir, 'watch.hepwb'))
  await page.getByTestId('nav-anomaly').click()
  await expect(page.getByTestId('view-anomaly')).toBeVisible()
  await expect(page.getByTestId('train-input-DER_mass_vis')).toBeVisible()
  if (await page.getByTestId('train-inputs-clear').isVisible())
    await page.getByTestId('train-inputs-clear').click()
  for (const v of INPUTS) await page.getByTestId(`train-input-${v}`).check()
  await page.getByTestId('anomaly-kind-ae').click()
  await page.getByTestId('anomaly-epochs').fill('300')
  await page.getByTestId('anomaly-epochs').press('Tab')
  // No early stop: it trains long enough to pause it.
  await page.getByTestId('anomaly-patience').fill('0')
  await page.getByTestId('anomaly-patience').press('Tab')
  await page.getByTestId('anomaly-start').click()
  const watch = page.getByTestId('anomaly-watch')
  await expect(watch).toBeVisible({ timeout: 60_000 })
  // One chart per process (Htautau, background), and the latent scatter.
  await expect(page.getByTestId('anomaly-watch-reconstruction').getByTestId('chart')).toHaveCount(2)
  await expect(page.getByTestId('anomaly-watch-latent').getByTestId('chart')).toHaveCount(1)

  await page.getByTestId('anomaly-pause').click()
  await expect(page.getByTestId('anomaly-step-batch')).toBeVisible()
  await expect(page.getByTestId('job-paused')).toBeVisible()
  await page.waitForTimeout(500)
  const b0 = Number(await watch.getAttribute('data-batch'))
  await page.getByTestId('anomaly-step-batch').click()
  await expect(watch).toHaveAttribute('data-batch', String(b0 + 1))
  await page.getByTestId('anomaly-step-batch').click()
  await expect(watch).toHaveAttribute('data-batch', String(b0 + 2))
  await watch.evaluate((e) => e.scrollIntoView({ block: 'start' }))
  await page.screenshot({ path: join(workbench.screens, 'gate-anomaly-watch.png'), fullPage: true })
  await page.getByTestId('anomaly-cancel').click()
  await expect(page.getByTestId('anomaly-progress')).toHaveCount(0, { timeout: 30_000 })
})
