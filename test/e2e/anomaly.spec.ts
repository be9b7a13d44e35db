/**
 * The Anomaly view end to end: a real engine and project with the ATLAS Kaggle H → ττ samples;
 * a small VAE trained on the background only with live loss components; the score plot with
 * its threshold dragged (efficiencies follow); the ROC beside the best single variable; one
 * sanity test (a momentum ×5 on 5% of events); the generation comparison; an autoencoder too.
 */
import { join } from 'node:path'
import { expect, test } from './fixtures'
import { kaggleProject } from './kaggle'

const INPUTS = ['DER_mass_transverse_met_lep', 'DER_mass_vis', 'DER_pt_h', 'PRI_tau_pt', 'PRI_met']

test.beforeEach(async ({ page, workbench }) => {
  await page.goto(workbench.url)
  await expect(page.getByTestId('home')).toBeVisible()
})

test('a VAE on background only: score, threshold, ROC, sanity test, generation', async ({
  page,
  workbench,
}) => {
  // The view scrolls inside the window: the result card is brought to the top before each shot.
  const shot = async (name: string, target = 'anomaly-result') => {
    const card = page.getByTestId(target)
    if (await card.count()) await card.evaluate((e) => e.scrollIntoView({ block: 'start' }))
    await page.screenshot({ path: join(workbench.screens, `anomaly-${name}.png`), fullPage: true })
  }

  await kaggleProject(page, join(workbench.dir, 'anomaly.hepwb'))

  await page.getByTestId('nav-anomaly').click()
  await expect(page.getByTestId('view-anomaly')).toBeVisible()
  await expect(page.getByTestId('anomaly-background-background')).toBeChecked()
  await expect(page.getByTestId('anomaly-signal-Htautau')).toBeChecked()
  await expect(page.getByTestId('anomaly-signal-background')).not.toBeChecked()
  await expect(page.getByTestId('train-input-DER_mass_vis')).toBeVisible()
  if (await page.getByTestId('train-inputs-clear').isVisible())
    await page.getByTestId('train-inputs-clear').click()
  await expect(page.getByTestId('anomaly-blocker')).toContainText('input')
  for (const v of INPUTS) await page.getByTestId(`train-input-${v}`).check()
  await expect(page.getByTestId('train-input-chip')).toHaveCount(5)

  // A small VAE, its loss components arriving per epoch.
  await page.getByTestId('anomaly-kind-vae').click()
  await expect(page.getByTestId('anomaly-family-PRI_met')).toBeVisible()
  await page.getByTestId('anomaly-encoder').fill('16')
  await page.getByTestId('anomaly-epochs').fill('8')
  await page.getByTestId('anomaly-epochs').press('Tab')
  // Streamed from the sample files (megasets) under a 1 MB budget.
  await page.getByTestId('anomaly-stream').check()
  await page.getByTestId('anomaly-memory-budget').fill('1')
  await page.getByTestId('anomaly-memory-budget').press('Tab')
  await page.getByTestId('anomaly-start').click()
  await expect(page.getByTestId('anomaly-result')).toBeVisible({ timeout: 90_000 })
  await expect(page.getByTestId('anomaly-error')).toHaveCount(0)
  await expect(page.getByTestId('anomaly-model-row')).toHaveCount(1)
  const auc = Number(await page.getByTestId('anomaly-auc').first().innerText())
  expect(auc).toBeGreaterThan(0)
  expect(auc).toBeLessThan(1)
  await expect(page.getByTestId('anomaly-verdict')).toContainText('AUC')
  await expect(page.getByTestId('anomaly-result')).toContainText(
    'trained streaming from the sample files',
  )
  await shot('score')

  // Drag the threshold to the left: more background passes.
  const effBefore = await page.getByTestId('anomaly-eff-b').innerText()
  const valueBefore = await page.getByTestId('anomaly-threshold-value').innerText()
  const plot = page.getByTestId('anomaly-score-chart')
  await plot.scrollIntoViewIfNeeded()
  await expect(plot).toHaveAttribute('data-handle-x', /\d/)
  const hx = Number(await plot.getAttribute('data-handle-x'))
  const box = await plot.getByTestId('chart').boundingBox()
  if (!box) throw new Error('no score chart')
  const y = box.y + box.height / 2
  await page.mouse.move(box.x + hx, y)
  await page.mouse.down()
  await page.mouse.move(box.x + hx - 60, y, { steps: 8 })
  await page.mouse.move(box.x + hx - 150, y, { steps: 8 })
  await page.mouse.up()
  await expect(page.getByTestId('anomaly-threshold-value')).not.toHaveText(valueBefore)
  const effAfter = await page.getByTestId('anomaly-eff-b').innerText()
  expect(parseFloat(effAfter)).toBeGreaterThan(parseFloat(effBefore))
  await shot('dragged')

  // The ROC always shows the best single variable beside the score.
  await page.getByTestId('anomaly-tab-roc').click()
  await expect(page.getByTestId('anomaly-roc')).toBeVisible()
  await shot('roc')

  // One sanity test: PRI_tau_pt × 5 on 5% of the validation background.
  await page.getByTestId('anomaly-tab-sanity').click()
  await page.getByTestId('sanity-input').selectOption('PRI_tau_pt')
  await page.getByTestId('sanity-factor').selectOption('5')
  await page.getByTestId('sanity-run-scale').click()
  await expect(page.getByTestId('sanity-outcome')).toHaveCount(1, { timeout: 60_000 })
  const sanityAuc = Number(
    (await page.getByTestId('sanity-auc').innerText()).replace('AUC', '').trim(),
  )
  expect(sanityAuc).toBeGreaterThan(0.7)
  await shot('sanity')

  // Generation: per-feature histograms and the three correlation matrices.
  await page.getByTestId('anomaly-tab-generation').click()
  await page.getByTestId('anomaly-generate').click()
  await expect(page.getByTestId('generation-feature')).toHaveCount(5, { timeout: 60_000 })
  await expect(page.getByTestId('generation-correlation')).toBeVisible()
  // NaN values are counted and said, never dropped silently from the histograms.
  await expect(page.getByTestId('generation-nan')).toContainText(/10000 generated and \d+ real/)
  await expect(page.getByTestId('generation-nan')).toContainText(/NaN/)
  await shot('generation')
  await shot('correlation', 'generation-correlation')

  // The other tabs render without errors.
  for (const t of ['loss', 'reconstruction', 'latent', 'bump']) {
    await page.getByTestId(`anomaly-tab-${t}`).click()
    await shot(t)
  }

  // The latent space as a t-SNE map, coloured by process.
  await page.getByTestId('anomaly-tab-latent').click()
  await page.getByTestId('anomaly-latent-tsne').check()
  await expect(page.getByTestId('anomaly-result').getByTestId('anomaly-latent')).toContainText(
    't-SNE map',
  )
  await shot('latent-tsne')

  // One input's term of the score per process, like the total.
  await page.getByTestId('anomaly-tab-score').click()
  await page.getByTestId('anomaly-score-choice').selectOption('PRI_met')
  await expect(page.getByTestId('anomaly-feature-score')).toBeVisible()
  await expect(page.getByTestId('anomaly-score-chart')).toHaveCount(0)
  await shot('score-PRI_met')
  await page.getByTestId('anomaly-score-choice').selectOption('')
  await expect(page.getByTestId('anomaly-score-chart')).toBeVisible()
  await expect(page.getByTestId('anomaly-error')).toHaveCount(0)
})
