import { expect, test } from './fixtures'
test('perf', async ({ page, workbench }) => {
  await page.goto(workbench.url)
  await page.getByTestId('nav-learn').click()
  await expect(page.getByTestId('learn-boundary')).toBeVisible()
  await page.getByTestId('learn-events').selectOption('10000')
  await expect(page.getByTestId('learn-data-summary')).toContainText('5000 training')
  for (let k = 4; k < 16; k++) await page.getByTestId('learn-neuron-add-0').click()
  for (let k = 2; k < 16; k++) await page.getByTestId('learn-neuron-add-1').click()
  await page.getByTestId('learn-play').click()
  await page.waitForTimeout(4000)
  await page.getByTestId('learn-pause').click()
  console.log((await page.evaluate(() => (window as any).lt)).join('\n'))
})
