/**
 * Applied model outputs and derived-variable metadata in the Data explorer, end to end: the
 * Kaggle H → ττ CSVs, a derived variable with a unit, a Fisher discriminant applied as `fisher`;
 * the Cuts view lists the output read-only (linking to Train), and the Data view lists both
 * with their badges and plots the model output stacked by process.
 */
import { join } from 'node:path'
import { expect, test } from './fixtures'
import { kaggleProject } from './kaggle'

const INPUTS = ['DER_mass_transverse_met_lep', 'DER_mass_vis', 'DER_pt_h']

test.beforeEach(async ({ page, workbench }) => {
  await page.goto(workbench.url)
  await expect(page.getByTestId('home')).toBeVisible()
})

test('model output and derived variable in the explorer and the variables panel', async ({
  page,
  workbench,
}) => {
  await kaggleProject(page, join(workbench.dir, 'models.hepwb'))

  await page.getByTestId('nav-cuts').click()
  await page.getByTestId('var-name').fill('mvis2')
  await page.getByTestId('var-expr').fill('DER_mass_vis * 2')
  await page.getByTestId('var-unit').fill('GeV')
  await page.getByTestId('var-add').click()
  await expect(page.getByTestId('variables')).toContainText('mvis2 = DER_mass_vis * 2')

  // Fisher on three inputs, applied as `fisher`.
  await page.getByTestId('nav-train').click()
  await expect(page.getByTestId('train-input-DER_mass_vis')).toBeVisible()
  if (await page.getByTestId('train-inputs-clear').isVisible())
    await page.getByTestId('train-inputs-clear').click()
  for (const v of INPUTS) await page.getByTestId(`train-input-${v}`).check()
  await page.getByTestId('train-kind-lda').click()
  await page.getByTestId('train-start').click()
  await expect(page.getByTestId('train-result')).toBeVisible({ timeout: 60_000 })
  await page.getByTestId('apply-name').fill('fisher')
  await page.getByTestId('apply-submit').click()
  await expect(page.getByTestId('applied-as')).toContainText('fisher')

  // The variables panel: the output read-only, its model named, a link to the Train view.
  await page.getByTestId('nav-cuts').click()
  const output = page.getByTestId('model-output-fisher')
  await expect(output).toContainText('model output of')
  await expect(output.getByRole('link')).toHaveAttribute('href', '#train')

  // The explorer: badges, unit, and the output plotted like any variable.
  await page.getByTestId('nav-data').click()
  await expect(page.getByTestId('variable-origin-fisher')).toHaveText('model output', {
    timeout: 60_000,
  })
  await expect(page.getByTestId('variable-origin-mvis2')).toHaveText('derived')
  await expect(page.getByTestId('variable-mvis2')).toContainText('[GeV]')
  await expect(page.getByTestId('variable-fisher')).not.toContainText('…', { timeout: 60_000 })
  await expect(page.getByTestId('variable-fisher')).not.toContainText('no statistics')
  await page.getByTestId('variable-fisher').click()
  await expect(page.getByTestId('histogram-origin')).toHaveText('model output')
  await expect(page.getByTestId('histogram-panel').getByTestId('chart')).toBeVisible()
  await expect(page.getByTestId('histogram-error')).toHaveCount(0)
  await expect(page.getByTestId('histogram-panel')).toContainText('Htautau')
  await expect(page.getByTestId('histogram-panel')).toContainText('background')
  await page.screenshot({ path: join(workbench.screens, 'explorer-model-output.png') })
})
