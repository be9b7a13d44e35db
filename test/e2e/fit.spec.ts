import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from './fixtures'
import { DATA } from './test-data'

const LBB = join(DATA, 'hepdata-pyhf-extractor_1Lbb')

test('Fit view: import 1Lbb with its patchset, fit a signal point, pulls, post-fit plots, CLs, yields export', async ({
  page,
  workbench,
}) => {
  test.setTimeout(180_000)
  await page.goto(workbench.url)
  await expect(page.getByTestId('engine-state')).toHaveText(/Engine ready/)
  await page.getByTestId('new-project').click()
  await page.getByTestId('path-input').fill(join(workbench.dir, 'fit.hepwb'))
  await page.getByTestId('path-submit').click()
  await page.getByTestId('nav-fit').click()

  await page.getByTestId('import-workspace').click()
  await page.getByTestId('ws-path').fill(join(LBB, '1Lbb_BkgOnly.json'))
  await page.getByTestId('ps-path').fill(join(LBB, '1Lbb_patchset_subset.json'))
  await page.getByTestId('ws-import').click()
  await expect(page.getByTestId('workspaces')).toContainText('1Lbb_BkgOnly')
  await page.getByTestId('patch-select').selectOption({ label: 'C1N2_Wh_hbb_900_250' })

  await page.getByTestId('run-fit').click()
  await expect(page.getByTestId('fit-summary')).toContainText('converged', { timeout: 60_000 })
  await expect(page.getByTestId('fit-summary')).toContainText('mu_SIG =')
  await expect(page.getByTestId('parameters')).toContainText('mu_SIG')
  await page.screenshot({ path: join(workbench.screens, 'fit-parameters.png') })

  await page.getByTestId('tab-pulls').click()
  await expect(page.getByTestId('chart')).toBeVisible()
  await page.screenshot({ path: join(workbench.screens, 'fit-pulls.png') })

  await page.getByTestId('tab-plots').click()
  await expect(page.getByTestId('channel-plot')).toHaveCount(8)
  await page.screenshot({ path: join(workbench.screens, 'fit-postfit.png') })

  await page.getByTestId('run-limit').click()
  await expect(page.getByTestId('limit')).toContainText('observed', { timeout: 120_000 })
  await page.screenshot({ path: join(workbench.screens, 'fit-cls.png') })

  await page.getByTestId('tab-yields').click()
  await expect(page.getByTestId('yields')).toContainText('SRHMEM_mct2')
  const download = page.waitForEvent('download')
  await page.getByTestId('export-latex').click()
  const file = await (await download).path()
  const tex = readFileSync(file, 'utf8')
  expect(tex).toContain('\\toprule')
  expect(tex).toContain('SRHMEM\\_mct2')

  // Results are stored in the project: a reload shows them again.
  await page.reload()
  await page.getByTestId('patch-select').selectOption({ label: 'C1N2_Wh_hbb_900_250' })
  await expect(page.getByTestId('fit-summary')).toContainText('converged')
})
