/**
 * The ATLAS Kaggle H → ττ CSVs as the e2e specs set them up through the UI: a new project file
 * with the signal and background samples added in the Data view.
 */
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect } from './fixtures'
import { DATA } from './test-data'

export const KAGGLE = join(DATA, 'ATLAS-UK-ML_kaggle-higgs')

/**
 * Adds one CSV of the set as a sample (optionally with its weights scaled) in the Data view,
 * with −999 as its missing value, as a user of this set would (its README: −999 = undefined).
 */
export async function addCsv(
  page: Page,
  file: string,
  name: string,
  role: 'signal' | 'background',
  scale?: number,
): Promise<void> {
  await page.getByTestId('add-sample').click()
  await page.getByTestId('sample-files').fill(join(KAGGLE, file))
  await page.getByTestId('sample-inspect').click()
  await expect(page.getByTestId('sample-found')).toContainText('CSV')
  await page.getByTestId('sample-name').fill(name)
  await page.getByTestId('sample-role').selectOption(role)
  await page.getByTestId('sample-missing').fill('-999')
  if (scale !== undefined) {
    await page.locator('input[type=radio][value=scale]').check()
    await page.getByTestId('sample-scale').fill(String(scale))
  }
  await page.getByTestId('sample-save').click()
  await expect(page.getByTestId('sample-form')).toHaveCount(0)
}

/**
 * From the home page: a new project at `path` with 'Htautau' (train_sml_sig.csv, signal) and
 * `background` (train_sml_bg.csv), waiting until their statistics jobs are done.
 */
export async function kaggleProject(
  page: Page,
  path: string,
  background = 'background',
): Promise<void> {
  await page.getByTestId('home-new').click()
  await page.getByTestId('path-input').fill(path)
  await page.getByTestId('path-submit').click()
  await page.getByTestId('nav-data').click()
  await addCsv(page, 'train_sml_sig.csv', 'Htautau', 'signal')
  await addCsv(page, 'train_sml_bg.csv', background, 'background')
  await expect(page.getByTestId('job')).toHaveCount(0, { timeout: 60_000 })
}
