/**
 * The RMM builder end to end: a real engine and project with two NanoAOD samples (CMS open-data
 * tt̄ and Drell–Yan), the builder pre-filled from the NanoAOD column names, Build, the cells
 * listed as derived variables, one event's heatmap stepped forward, the mean matrix per process,
 * the log colour scale, and a reload that keeps the RMM.
 */
import { join } from 'node:path'
import { expect, test } from './fixtures'
import { DATA } from './test-data'

const SAMPLES = [
  {
    name: 'ttbar',
    group: 'top',
    role: 'signal',
    file: join(DATA, 'skhep-testdata', 'nanoAOD_2015_CMS_Open_Data_ttbar.root'),
  },
  {
    name: 'dy',
    group: 'DY',
    role: 'background',
    file: join(DATA, 'coffea-samples', 'nano_dy.root'),
  },
]

test.beforeEach(async ({ page, workbench }) => {
  await page.goto(workbench.url)
  await expect(page.getByTestId('home')).toBeVisible()
})

test('build an RMM from NanoAOD columns and show both heatmaps', async ({ page, workbench }) => {
  await page.getByTestId('home-new').click()
  await page.getByTestId('path-input').fill(join(workbench.dir, 'rmm.hepwb'))
  await page.getByTestId('path-submit').click()
  await page.getByTestId('nav-data').click()
  for (const s of SAMPLES) {
    await page.getByTestId('add-sample').click()
    await page.getByTestId('sample-files').fill(s.file)
    await page.getByTestId('sample-inspect').click()
    await expect(page.getByTestId('sample-table')).toHaveValue('Events')
    await page.getByTestId('sample-name').fill(s.name)
    await page.getByTestId('sample-role').selectOption(s.role)
    await page.getByTestId('sample-group').fill(s.group)
    await page.getByTestId('sample-save').click()
    await expect(page.getByTestId('sample-form')).toHaveCount(0)
    await expect(page.getByTestId('job')).toHaveCount(0, { timeout: 60_000 })
  }

  await page.getByTestId('nav-cuts').click()
  await page.getByTestId('rmm-summary').click()
  // Guessed from the NanoAOD names: jets, muons and electrons, MET_pt and MET_phi.
  await expect(page.getByTestId('rmm-collection')).toHaveCount(3)
  await expect(page.getByTestId('rmm-pt').first()).toHaveValue('Jet_pt')
  await expect(page.getByTestId('rmm-met-pt')).toHaveValue('MET_pt')
  // Add b-jets (tagged jets); the guess picks a b-tag column of the Jet collection.
  // Added b-jets go after the jets, as in the paper's order.
  await page.getByTestId('rmm-add-collection').click()
  await expect(page.getByTestId('rmm-kind').nth(1)).toHaveValue('bjets')
  await page.getByTestId('rmm-selection').nth(1).fill('Jet_btagCSVV2 > 0.8')
  await page.getByTestId('rmm-selection').nth(0).fill('Jet_btagCSVV2 <= 0.8')
  await page.getByTestId('rmm-prefix').fill('nano')
  await page.getByTestId('rmm-build').click()
  await expect(page.getByTestId('rmm-built')).toContainText('Built 10×10 cells')
  await expect(page.getByTestId('variables')).toContainText('rmm_nano_0_0 = MET_pt / 13000')

  const eventChart = page.getByTestId('rmm-event-chart')
  await expect(eventChart).toBeVisible()
  await expect(page.getByTestId('rmm-event-info')).toContainText('of 200 selected · entry 0')
  await page.getByTestId('rmm-next').click()
  await expect(page.getByTestId('rmm-event-info')).toContainText('entry 1')
  await expect(page.getByTestId('rmm-mean-chart')).toHaveCount(2)
  await page.getByTestId('rmm-log').check()
  // A tall window so the builder, the event and both process means are in one picture.
  await page.setViewportSize({ width: 1400, height: 2100 })
  await page.getByTestId('rmm-section').scrollIntoViewIfNeeded()
  await page.screenshot({ path: join(workbench.screens, 'rmm-heatmaps.png') })

  // The RMM (layout and cells) is part of the project: a reload shows it again.
  await page.reload()
  await page.getByTestId('nav-cuts').click()
  await page.getByTestId('rmm-summary').click()
  await expect(page.getByTestId('rmm-prefix')).toHaveValue('nano')
  await expect(page.getByTestId('rmm-collection')).toHaveCount(4)
  await expect(page.getByTestId('rmm-event-chart')).toBeVisible()
})
