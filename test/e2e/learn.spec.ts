/**
 * The Learn step end to end (issue 14): a real engine and a project with the ATLAS Kaggle H → ττ
 * CSVs. Two inputs picked, five batches stepped (the boundary's pixels change), a neuron added,
 * play and pause with the map updating several times a second and a click answered within
 * 100 ms while playing, a run recorded as an animated GIF, and one lesson run to its end.
 */
import { join } from 'node:path'
import { readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { kaggleProject } from './kaggle'

test.describe.configure({ mode: 'serial' })

test.beforeEach(async ({ page, workbench }) => {
  await page.goto(workbench.url)
  await expect(page.getByTestId('home')).toBeVisible()
})

/** The page's globals the latency probe uses (the e2e tests compile without DOM types). */
interface Timing {
  latency: number | null
  requestAnimationFrame(f: () => void): void
  performance: { now(): number }
}
interface Clickable {
  addEventListener(
    type: 'click',
    f: (e: { timeStamp: number }) => void,
    options: { once: boolean },
  ): void
}

const frames = async (page: Page) =>
  Number(await page.getByTestId('view-learn').getAttribute('data-frames'))

test('a playground on two Kaggle inputs: step, boundary changes, add a neuron, play, pause', async ({
  page,
  workbench,
}) => {
  const shot = (name: string) =>
    page.screenshot({ path: join(workbench.screens, `learn-${name}.png`), fullPage: true })
  await kaggleProject(page, join(workbench.dir, 'learn.hepwb'))
  await page.getByTestId('nav-learn').click()
  await expect(page.getByTestId('view-learn')).toBeVisible()
  // A toy set is there at once.
  await expect(page.getByTestId('learn-boundary')).toBeVisible()
  await page.getByTestId('learn-source-project').check()
  await page.getByTestId('learn-input-x').selectOption('DER_mass_vis')
  await page.getByTestId('learn-input-y').selectOption('DER_pt_h')
  await expect(page.getByTestId('learn-data-summary')).toContainText('training events')
  await expect(page.getByTestId('learn-boundary')).toHaveAttribute('data-step', '0')
  const map = page.getByTestId('learn-boundary')
  const before = await map.screenshot()
  for (let k = 1; k <= 5; k++) {
    await page.getByTestId('learn-step').click()
    await expect(map).toHaveAttribute('data-step', String(k))
  }
  const after = await map.screenshot()
  expect(after.equals(before)).toBe(false)
  await shot('five-batches')

  // Hovering a neuron shows its activations, signal against background.
  await page.getByTestId('learn-neuron-0-0').hover()
  await expect(page.getByTestId('learn-neuron-histogram')).toBeVisible()
  await shot('neuron-hover')

  // A 2-16-16-1 network: neurons added with + (each a new network from the seed).
  await expect(page.locator('[data-testid^="learn-neuron-0-"]')).toHaveCount(4)
  await page.getByTestId('learn-neuron-add-0').click()
  await expect(page.locator('[data-testid^="learn-neuron-0-"]')).toHaveCount(5)
  for (let k = 5; k < 16; k++) await page.getByTestId('learn-neuron-add-0').click()
  for (let k = 2; k < 16; k++) await page.getByTestId('learn-neuron-add-1').click()
  await expect(page.locator('[data-testid^="learn-neuron-1-"]')).toHaveCount(16)
  await expect(page.locator('[data-testid^="learn-neuron-0-"]')).toHaveCount(16)

  // Record while playing; at least 5 map updates a second on 10⁴ events.
  await page.getByTestId('learn-record').click()
  await page.getByTestId('learn-play').click()
  await expect(page.getByTestId('learn-pause')).toBeVisible()
  await page.waitForTimeout(500)
  const f0 = await frames(page)
  const t0 = Date.now()
  await page.waitForTimeout(3000)
  const rate = ((await frames(page)) - f0) / ((Date.now() - t0) / 1000)
  // The machine's load beside the rate: on a shared machine a slow frame rate may be others' work.
  console.log(
    `map updates while playing: ${rate.toFixed(1)} per second (load average ${loadavg()[0].toFixed(1)})`,
  )
  expect(rate).toBeGreaterThanOrEqual(5)

  // A click while playing is answered within 100 ms: from the input event (its time stamp) to
  // the next frame painted after the view handled it (the map redrawn without test events).
  await page.getByTestId('learn-show-test').evaluate((box) => {
    const w = globalThis as unknown as Timing
    w.latency = null
    ;(box as unknown as Clickable).addEventListener(
      'click',
      (e) => {
        const t = e.timeStamp
        w.requestAnimationFrame(() => (w.latency = w.performance.now() - t))
      },
      { once: true },
    )
  })
  await page.getByTestId('learn-show-test').click()
  const latency = await (
    await page.waitForFunction(() => (globalThis as unknown as Timing).latency)
  ).jsonValue()
  console.log(`click answered in ${Number(latency).toFixed(1)} ms while playing`)
  expect(latency).toBeLessThan(100)
  await expect(page.getByTestId('learn-show-test')).not.toBeChecked()
  await page.getByTestId('learn-show-test').click()
  await shot('playing')
  await page.getByTestId('learn-pause').click()
  // The frame in flight is drawn, then nothing moves.
  await expect(page.getByTestId('learn-play')).toBeEnabled()
  const paused = await map.getAttribute('data-step')
  await page.waitForTimeout(600)
  await expect(map).toHaveAttribute('data-step', paused!)
  await page.getByTestId('learn-record').click()
  const download = page.waitForEvent('download')
  await page.getByTestId('learn-export-gif').click()
  const gif = await download
  expect(gif.suggestedFilename()).toBe('learn-run.gif')
  const bytes = readFileSync(await gif.path())
  expect(bytes.subarray(0, 6).toString()).toBe('GIF89a')
  // The map and the network as PNG images.
  for (const [button, name] of [
    ['learn-export-png', 'learn-boundary-step-'],
    ['learn-export-network', 'learn-network-step-'],
  ]) {
    const png = page.waitForEvent('download')
    await page.getByTestId(button).click()
    const file = await png
    expect(file.suggestedFilename()).toBe(`${name}${paused}.png`)
    expect(
      readFileSync(await file.path())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG')
  }
  await shot('paused')

  // A third input: the maps become a slice at its median, which the page and the map say.
  await page.getByText(/more inputs \(0\)/).click()
  await page.getByTestId('learn-other-PRI_met').check()
  await page.getByTestId('learn-others-apply').click()
  await expect(page.getByTestId('learn-data-summary')).toContainText('takes 3 inputs')
  await expect(page.getByTestId('learn-data-summary')).toContainText(/slice at PRI_met = [\d.]+/)
  await expect(page.getByTestId('learn-network')).toContainText('PRI_met')
  await page.getByTestId('learn-step').click()
  await expect(map).toHaveAttribute('data-step', '1')
  await shot('slice')
})

test('a lesson runs to its end: stages, verdict and explanation', async ({ page, workbench }) => {
  const shot = (name: string) =>
    page.screenshot({ path: join(workbench.screens, `learn-${name}.png`), fullPage: true })
  // Learn works without a project: the toy sets and lessons.
  await page.getByTestId('nav-learn').click()
  await expect(page.getByTestId('learn-boundary')).toBeVisible()
  await page.getByTestId('learn-lesson-select').selectOption('linear-vs-hidden')
  await expect(page.getByTestId('learn-lesson')).toContainText('no straight line')
  await expect(page.getByTestId('learn-rate')).toBeDisabled()
  await shot('lesson-start')
  await page.getByTestId('learn-play').click()
  // The lesson stops after its first stage so that it can be looked at.
  await expect(page.getByTestId('learn-lesson-progress')).toContainText('Stage 1 of 2 finished', {
    timeout: 60_000,
  })
  await expect(page.getByTestId('learn-lesson-stages')).toContainText('linear')
  await shot('lesson-stage-1')
  await page.getByTestId('learn-play').click()
  await expect(page.getByTestId('learn-lesson-verdict')).toContainText('✓', { timeout: 60_000 })
  await expect(page.getByTestId('learn-lesson-explanation')).toContainText('logistic regression')
  await expect(page.locator('[data-testid^="learn-neuron-0-"]')).toHaveCount(8)
  await shot('lesson-end')
})

test('a study lesson on the autoencoder runs to its end: both stages, figures, verdict', async ({
  page,
  workbench,
}) => {
  const shot = (name: string) =>
    page.screenshot({ path: join(workbench.screens, `learn-${name}.png`), fullPage: true })
  await page.getByTestId('nav-learn').click()
  await expect(page.getByTestId('learn-boundary')).toBeVisible()
  await page.getByTestId('learn-lesson-select').selectOption('autoencoder-miss')
  const lesson = page.getByTestId('learn-lesson')
  await expect(lesson).toContainText('single-variable cut')
  // The playground (map, controls) gives way to the lesson's own page.
  await expect(page.getByTestId('learn-boundary')).toHaveCount(0)
  await expect(page.getByTestId('learn-lesson-data')).toContainText('set by the lesson')
  await page.getByTestId('learn-study-run').click()
  await expect(page.getByTestId('learn-lesson-progress')).toContainText('Stage 1 of 2 finished', {
    timeout: 60_000,
  })
  const stage1 = page.getByTestId('learn-study-stage-0')
  // The anomaly score and the single variable for both classes, and both ROCs.
  for (const id of ['ae-score', 'single-variable', 'roc'])
    await expect(stage1.getByTestId(`learn-study-figure-${id}`)).toBeVisible()
  await expect(page.getByTestId('learn-lesson-stages')).toContainText('on the plane')
  await shot('study-stage-1')
  await page.getByTestId('learn-study-run').click()
  await expect(page.getByTestId('learn-lesson-verdict')).toContainText('✓', { timeout: 60_000 })
  await expect(page.getByTestId('learn-lesson-explanation')).toContainText('bottleneck')
  await expect(page.getByTestId('learn-study-stage-1')).toBeVisible()
  await shot('study-end')
  // Back to free play: the playground returns.
  await page.getByTestId('learn-lesson-select').selectOption('')
  await expect(page.getByTestId('learn-boundary')).toBeVisible()
})

test('Learn charts saved to Plots: the boundary map and the ROC', async ({ page, workbench }) => {
  await kaggleProject(page, join(workbench.dir, 'learn-plots.hepwb'))
  await page.getByTestId('nav-learn').click()
  const map = page.getByTestId('learn-boundary')
  await expect(map).toBeVisible()
  for (let k = 1; k <= 3; k++) {
    await page.getByTestId('learn-step').click()
    await expect(map).toHaveAttribute('data-step', String(k))
  }
  await page.getByTestId('learn-map-save').getByTestId('save-to-plots').click()
  await expect(page.getByTestId('learn-map-save')).toContainText('Saved to Plots as')
  const roc = page.getByTestId('learn-curve-learn-roc')
  await roc.getByTestId('save-to-plots').click()
  await expect(roc.getByTestId('save-to-plots-status')).toContainText('Learn · ROC, step 3')
  await page.getByTestId('nav-plots').click()
  await expect(page.getByTestId('plot-card')).toHaveCount(2)
  await expect(page.getByTestId('view-plots')).toContainText('decision boundary')
  // The saved map renders as a figure of its own (a heat map of the network output).
  await page.getByTestId('plot-card').filter({ hasText: 'decision boundary' }).click()
  await expect(page.getByTestId('plot-preview')).toBeVisible()
  await page.screenshot({ path: join(workbench.screens, 'learn-saved-plots.png'), fullPage: true })
})
