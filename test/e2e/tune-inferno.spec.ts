/**
 * INFERNO in the Tune view (issue 15): on an empty project, pick INFERNO on the paper
 * benchmark, find its default space (bins, temperature, learning rate, batch size) and its
 * objective (σ of the signal yield, minimised), run a small study and watch its trials complete;
 * its trials are no models to open.
 */
import { join } from 'node:path'
import { expect, test } from './fixtures'

test('tunes INFERNO on the paper benchmark from the Tune view', async ({ page, workbench }) => {
  test.setTimeout(120_000)
  await page.goto(workbench.url)
  await page.getByTestId('home-new').click()
  await page.getByTestId('path-input').fill(join(workbench.dir, 'inferno-tune.hepwb'))
  await page.getByTestId('path-submit').click()
  await page.getByTestId('nav-tune').click()
  await expect(page.getByTestId('view-tune')).toBeVisible()

  await page.getByTestId('tune-family-inferno').click()
  await expect(page.getByTestId('tune-inferno')).toBeVisible()
  for (const [i, name] of ['bins', 'tau', 'learningRate', 'batchSize'].entries())
    await expect(page.getByTestId(`tune-param-name-${i}`)).toHaveValue(name)
  await expect(page.getByTestId('tune-metric')).toHaveValue('sigma_poi')
  await expect(page.getByTestId('tune-direction')).toHaveValue('minimize')
  await page.getByTestId('tune-inferno-benchmark').selectOption('B2')
  await page.getByTestId('tune-inferno-epochs').fill('2')
  await page.getByTestId('tune-inferno-train-events').fill('2000')
  await page.getByTestId('tune-inferno-test-events').fill('4000')
  await page.getByTestId('tune-algorithm').selectOption('random')
  await page.getByTestId('tune-trials-n').fill('3')
  await page.getByTestId('tune-name').fill('inferno bins')
  await expect(page.getByTestId('tune-blocker')).toHaveCount(0)
  await page.getByTestId('tune-start').click()

  const study = page.getByTestId('tune-study-inferno bins')
  await expect(study).toHaveAttribute('data-state', 'done', { timeout: 90_000 })
  await expect(page.locator('[data-testid^="tune-trial-"][data-state="complete"]')).toHaveCount(3)
  await expect(page.getByTestId('tune-best')).toContainText('#')
  await expect(page.getByTestId('tune-open-best')).toHaveCount(0)
  await page.screenshot({
    path: join(workbench.screens, 'tune-inferno-done.png'),
    fullPage: true,
  })
})
