/**
 * The Data view end to end: a real engine and project, real CMS NanoAOD files — Drell–Yan and
 * tt̄ simulation (genWeight, σ × L normalisation) against dimuon collision data — a stacked
 * histogram with the ratio panel, new binning, and a reload that restores everything.
 */
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { DATA } from './test-data'

const COFFEA = join(DATA, 'coffea-samples')

test.describe.configure({ mode: 'serial' })

// Each test gets its own server, engine and config folder (fixtures.ts): it starts on the
// welcome page with no project open.
test.beforeEach(async ({ page, workbench }) => {
  await page.goto(workbench.url)
  await expect(page.getByTestId('home')).toBeVisible()
})

async function addSample(
  page: Page,
  s: {
    file: string
    name: string
    role: 'background' | 'signal' | 'data'
    group: string
    xsec?: number
    lumi?: number
  },
): Promise<void> {
  await page.getByTestId('add-sample').click()
  await page.getByTestId('sample-files').fill(join(COFFEA, s.file))
  await page.getByTestId('sample-inspect').click()
  // The event tree (Events, not Runs) is chosen for NanoAOD.
  await expect(page.getByTestId('sample-table')).toHaveValue('Events')
  await page.getByTestId('sample-name').fill(s.name)
  await page.getByTestId('sample-role').selectOption(s.role)
  await page.getByTestId('sample-group').fill(s.group)
  if (s.role !== 'data') {
    // genWeight is proposed for simulation.
    await expect(page.getByTestId('sample-weight')).toHaveValue('genWeight')
    await page.getByTestId('norm-xsec').check()
    await page.getByTestId('sample-xsec').fill(String(s.xsec))
    await page.getByTestId('sample-lumi').fill(String(s.lumi))
  } else await expect(page.getByTestId('sample-weight')).toHaveValue('')
  await page.getByTestId('sample-save').click()
  await expect(page.getByTestId('sample-form')).toHaveCount(0)
}

test('samples, stacked histogram with ratio, binning, reload', async ({ page, workbench }) => {
  await page.getByTestId('home-new').click()
  await page.getByTestId('path-input').fill(join(workbench.dir, 'dimuon.hepwb'))
  await page.getByTestId('path-submit').click()
  await page.getByTestId('nav-data').click()
  await expect(page.getByTestId('view-data')).toContainText('No samples yet')

  // A bad weight: the message names the column, the form keeps what was typed.
  await page.getByTestId('add-sample').click()
  await page.getByTestId('sample-files').fill(join(COFFEA, 'nano_dy.root'))
  await page.getByTestId('sample-inspect').click()
  await expect(page.getByTestId('sample-table')).toHaveValue('Events')
  await page.getByTestId('sample-weight').fill('genWeight*puWeightt')
  await page.getByTestId('sample-save').click()
  await expect(page.getByTestId('sample-error')).toContainText("'puWeightt'")
  await expect(page.getByTestId('sample-weight')).toHaveValue('genWeight*puWeightt')
  await page.screenshot({ path: join(workbench.screens, 'data-add-error.png') })
  await page.getByRole('button', { name: 'Cancel', exact: true }).click()

  await addSample(page, {
    file: 'nano_dy.root',
    name: 'Drell–Yan',
    role: 'background',
    group: 'Z/γ* → ℓℓ',
    xsec: 6077.22,
    lumi: 0.006,
  })
  await addSample(page, {
    file: 'nano_tt_v12.root',
    name: 'tt̄',
    role: 'background',
    group: 'tt̄',
    xsec: 833.9,
    lumi: 0.006,
  })
  await addSample(page, { file: 'nano_dimuon.root', name: 'Data', role: 'data', group: 'Data' })
  await expect(page.getByTestId('sample-row')).toHaveCount(3)
  // σ × L: 6077.22 pb × 0.006 pb⁻¹ = 36.46 expected Drell–Yan events; data: 40 events.
  await expect(page.getByTestId('sample-yield').nth(0)).toHaveText('36.46')
  await expect(page.getByTestId('sample-yield').nth(2)).toHaveText('40')

  // Every variable gets its statistics from a job; then one is plotted.
  await expect(page.getByTestId('variable-Muon_pt')).toBeVisible({ timeout: 60_000 })
  await page.getByTestId('variable-search').fill('muon pt')
  await expect(page.getByTestId('variable-Muon_pt')).not.toContainText('…', { timeout: 60_000 })
  await page.getByTestId('variable-Muon_pt').click()
  const panel = page.getByTestId('histogram-panel')
  await expect(panel.getByTestId('chart')).toBeVisible()
  await expect(page.getByTestId('flows')).toContainText('Z/γ* → ℓℓ')
  await expect(page.getByTestId('flows')).toContainText('Data')
  await page.screenshot({ path: join(workbench.screens, 'data-stacked.png'), fullPage: true })

  // New binning, log y: applied and kept.
  await page.getByTestId('bins-input').fill('12')
  await page.getByTestId('lo-input').fill('0')
  await page.getByTestId('hi-input').fill('120')
  await page.getByTestId('binning-apply').click()
  await expect(page.getByTestId('binning-auto')).toBeEnabled()
  await page.getByTestId('log-y').check()
  await page.waitForTimeout(500)
  await panel.screenshot({ path: join(workbench.screens, 'data-rebinned-logy.png') })

  // A bad range is refused inline; the plot stays.
  await page.getByTestId('hi-input').fill('-5')
  await page.getByTestId('binning-apply').click()
  await expect(page.getByTestId('histogram-error')).toContainText('upper edge')
  await expect(panel.getByTestId('chart')).toBeVisible()

  // Shapes mode.
  await page.getByTestId('shapes').check()
  await page.waitForTimeout(300)
  await panel.screenshot({ path: join(workbench.screens, 'data-shapes.png') })
  await page.getByTestId('shapes').uncheck()

  // Edit: a new colour for tt̄ (its events are not read again).
  await page.getByTestId('sample-edit').nth(1).click()
  await page.getByTestId('sample-colour').fill('#e6550d')
  await page.getByTestId('sample-save').click()
  await expect(page.getByTestId('sample-form')).toHaveCount(0)

  await page.reload()
  await expect(page.getByTestId('view-data')).toBeVisible()
  await expect(page.getByTestId('sample-row').nth(1).locator('.swatch')).toHaveAttribute(
    'title',
    '#e6550d',
  )
  await expect(page.getByTestId('sample-row')).toHaveCount(3)
  await expect(page.getByTestId('bins-input')).toHaveValue('12')
  await expect(page.getByTestId('lo-input')).toHaveValue('0')
  await expect(page.getByTestId('hi-input')).toHaveValue('120')
  await expect(page.getByTestId('log-y')).toBeChecked()
  await expect(page.getByTestId('variable-Muon_pt')).toHaveClass(/selected/)
  await expect(page.getByTestId('memory')).toContainText('in memory')

  // Correlations and a 2-D histogram of two flat variables.
  await page.getByTestId('h2-x').fill('MET_pt')
  await page.getByTestId('h2-y').fill('MET_phi')
  await page.getByTestId('h2-plot').click()
  await expect(page.getByTestId('hist2d-panel').getByTestId('chart')).toBeVisible()
  await expect(page.getByTestId('correlation-panel').getByTestId('chart')).toBeVisible()
  await page.screenshot({ path: join(workbench.screens, 'data-after-reload.png'), fullPage: true })
  await page
    .locator('.pair')
    .screenshot({ path: join(workbench.screens, 'data-correlation-2d.png') })
})

test('the demo project opens from the welcome page', async ({ page, workbench }) => {
  await expect(page.getByTestId('home-demo')).toBeVisible()
  await page.screenshot({ path: join(workbench.screens, 'data-home.png') })
  await page.getByTestId('home-demo').click()
  await expect(page.getByTestId('view-data')).toBeVisible({ timeout: 30_000 })
  await expect(page.getByTestId('sample-row')).toHaveCount(3)
  // Summarising ~2200 NanoAOD branches is a job: progress in the status bar, and cancel.
  await expect(page.getByTestId('job')).toContainText('Summarise every variable')
  await page.getByTestId('cancel-job').click()
  await expect(page.getByTestId('view-data')).toContainText('Statistics cancelled')
  await page.getByRole('button', { name: 'compute statistics' }).click()
  await expect(page.getByTestId('view-data')).not.toContainText('Statistics cancelled')
  // The demo opens on MET_pt, already selected.
  await expect(page.getByTestId('variable-MET_pt')).toHaveClass(/selected/, { timeout: 60_000 })
  await expect(page.getByTestId('histogram-panel').getByTestId('chart')).toBeVisible()
  await expect(page.getByTestId('variable-MET_pt')).not.toContainText('…', { timeout: 60_000 })
  await page.screenshot({ path: join(workbench.screens, 'data-demo.png'), fullPage: true })

  // A narrow window stacks the list above the plot.
  await page.setViewportSize({ width: 1100, height: 860 })
  await page.screenshot({ path: join(workbench.screens, 'data-narrow.png'), fullPage: true })
  await page.setViewportSize({ width: 1400, height: 860 })

  // Removing the data sample leaves the simulation stacked, without points or ratio.
  page.once('dialog', (d) => void d.accept())
  await page.getByTestId('sample-remove').nth(2).click()
  await expect(page.getByTestId('sample-row')).toHaveCount(2)
  await expect(page.getByTestId('flows')).not.toContainText('Data')
})
