/**
 * Building a workspace from a region end to end: the Kaggle H→ττ signal and background CSVs
 * as samples, a signal region, a workspace on DER_mass_MMC with a normalisation and a shape
 * systematic (a typo in the observable is shown with its position first), a fit that finds
 * μ = 1 on the Asimov data (the project has no data sample), the pyhf JSON export, and the
 * build's run (a job) in the project's runs.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { DATA } from './test-data'

const KAGGLE = join(DATA, 'ATLAS-UK-ML_kaggle-higgs')

async function addSample(
  page: Page,
  s: { file: string; name: string; role: 'signal' | 'background'; scale?: number },
): Promise<void> {
  await page.getByTestId('add-sample').click()
  await page.getByTestId('sample-files').fill(join(KAGGLE, s.file))
  await page.getByTestId('sample-inspect').click()
  await expect(page.getByTestId('sample-found')).toBeVisible()
  await page.getByTestId('sample-name').fill(s.name)
  await page.getByTestId('sample-role').selectOption(s.role)
  await page.getByTestId('sample-weight').fill('Weight')
  if (s.scale !== undefined) {
    await page.locator('input[type=radio][value=scale]').check()
    await page.getByTestId('sample-scale').fill(String(s.scale))
  }
  await page.getByTestId('sample-save').click()
  await expect(page.getByTestId('sample-form')).toHaveCount(0)
}

test('build a workspace from a region, fit it, export pyhf JSON', async ({ page, workbench }) => {
  test.setTimeout(180_000)
  await page.goto(workbench.url)
  await expect(page.getByTestId('home')).toBeVisible()
  await page.getByTestId('home-new').click()
  await page.getByTestId('path-input').fill(join(workbench.dir, 'htautau.hepwb'))
  await page.getByTestId('path-submit').click()

  await page.getByTestId('nav-data').click()
  // The Kaggle signal weights are tiny next to the background's: ×50 makes it visible.
  await addSample(page, { file: 'train_sml_sig.csv', name: 'Htautau', role: 'signal', scale: 50 })
  await addSample(page, { file: 'train_sml_bg.csv', name: 'Background', role: 'background' })
  await expect(page.getByTestId('job')).toHaveCount(0, { timeout: 60_000 })

  await page.getByTestId('nav-cuts').click()
  await page.getByTestId('region-name').fill('SR')
  await page.getByTestId('region-add').click()
  await expect(page.getByTestId('region')).toHaveCount(1)
  for (const [i, e] of ['DER_mass_MMC > 0', 'PRI_jet_num >= 1'].entries()) {
    await page.getByTestId('cut-add').click()
    await page.getByTestId('cut-expr').nth(i).fill(e)
  }
  await expect(page.getByTestId('cutflow-table').locator('tbody tr')).toHaveCount(2)

  await page.getByTestId('nav-fit').click()
  await page.getByTestId('build-workspace').click()
  const form = page.getByTestId('build-form')
  await expect(form.getByTestId('channel')).toHaveCount(1)
  await expect(form.getByTestId('channel-region')).toHaveValue('SR')
  await expect(form.getByTestId('signal-Htautau')).toBeChecked()
  await expect(form.getByTestId('signal-Background')).not.toBeChecked()

  // A typo: the checker's message with its position; Build stays off.
  await form.getByTestId('channel-observable').fill('DER_mas_MMC')
  await expect(form.getByTestId('channel-error')).toContainText(
    "unknown variable 'DER_mas_MMC' at 0",
  )
  await expect(form.getByTestId('build-submit')).toBeDisabled()
  await page.screenshot({ path: join(workbench.screens, 'fit-build-typo.png') })
  await form.getByTestId('channel-observable').fill('DER_mass_MMC')
  await expect(form.getByTestId('channel-error')).toHaveCount(0)
  await form.getByTestId('channel-bins').fill('12')
  await form.getByTestId('channel-lo').fill('60')
  await form.getByTestId('channel-hi').fill('180')

  await form.getByTestId('normsys-add').click()
  await form.getByTestId('normsys-name').fill('bkg_xsec')
  await expect(form.getByTestId('normsys-samples')).toHaveValues(['Background'])
  await form.getByTestId('histosys-add').click()
  await form.getByTestId('histosys-name').fill('pt_reweight')
  await form.getByTestId('histosys-up').fill('1 + 0.002*DER_pt_h')
  await form.getByTestId('histosys-down').fill('1 / (1 + 0.002*DER_pt_h)')
  await page.screenshot({ path: join(workbench.screens, 'fit-build-form.png'), fullPage: true })

  await form.getByTestId('build-submit').click()
  await expect(page.getByTestId('build-form')).toHaveCount(0)
  await expect(page.getByTestId('workspaces')).toContainText('SR workspace')
  await expect(page.getByTestId('build-notes')).toContainText('SR Asimov')
  await page.getByTestId('tab-model').click()
  await expect(page.getByTestId('view-fit').locator('table.model')).toContainText('bkg_xsec')
  await expect(page.getByTestId('view-fit').locator('table.model')).toContainText('staterror_SR')
  await page.screenshot({ path: join(workbench.screens, 'fit-build-model.png'), fullPage: true })

  await page.getByTestId('run-fit').click()
  await expect(page.getByTestId('fit-summary')).toContainText('converged', { timeout: 60_000 })
  await expect(page.getByTestId('fit-summary')).toContainText(/mu = (1|0\.999\d*|1\.000\d*)\D/)
  await page.getByTestId('tab-results').click()
  await expect(page.getByTestId('parameters')).toContainText('pt_reweight')
  await page.screenshot({ path: join(workbench.screens, 'fit-build-fitted.png'), fullPage: true })
  await page.getByTestId('tab-plots').click()
  await expect(page.getByTestId('channel-plot')).toHaveCount(1)
  await page.screenshot({ path: join(workbench.screens, 'fit-build-postfit.png'), fullPage: true })

  const out = join(workbench.dir, 'SR-workspace.json')
  await page.getByTestId('export-workspace').click()
  await page.getByTestId('path-input').fill(out)
  await page.getByTestId('path-submit').click()
  await expect(page.getByTestId('export-done')).toContainText(out)
  const ws = JSON.parse(readFileSync(out, 'utf8')) as {
    channels: { name: string; samples: { name: string; modifiers: { name: string }[] }[] }[]
    observations: { name: string; data: number[] }[]
    version: string
  }
  expect(ws.version).toBe('1.0.0')
  expect(ws.channels.map((c) => c.name)).toEqual(['SR'])
  expect(ws.channels[0].samples.map((s) => s.name)).toEqual(['Htautau', 'Background'])
  expect(ws.channels[0].samples[1].modifiers.map((m) => m.name)).toEqual([
    'bkg_xsec',
    'pt_reweight',
    'staterror_SR',
  ])
  expect(ws.observations[0].data).toHaveLength(12)

  // The build ran as a job of the project: its run is recorded beside the fit's.
  await page.getByTestId('nav-home').click()
  const build = page.getByTestId('runs').locator('tr', { hasText: 'Build workspace SR workspace' })
  await expect(build).toContainText('done')
  await expect(build).toContainText('SR workspace')
})
