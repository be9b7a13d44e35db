import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'

test('browser mode: token, status bar, a project that survives a reload', async ({
  page,
  workbench,
}) => {
  await page.goto(workbench.url)
  await expect(page.getByTestId('engine-state')).toHaveText(/Engine ready/)
  await expect(page.getByTestId('backend')).toContainText('wasm')
  await page.screenshot({ path: join(workbench.screens, 'skeleton-home.png') })

  const path = join(workbench.dir, 'zmumu.hepwb')
  await page.getByTestId('home-new').click()
  await page.getByTestId('path-input').fill(path)
  await page.getByTestId('path-submit').click()
  await expect(page.getByTestId('project-name').locator('input')).toHaveValue('zmumu')

  // Rename: saved as it happens.
  const name = page.getByTestId('project-name').locator('input')
  await name.fill('Z → μμ study')
  await name.press('Enter')
  await expect(page.getByTestId('project-name').locator('input')).toHaveValue('Z → μμ study')

  await page.getByTestId('nav-fit').click()
  await expect(page.getByTestId('view-fit')).toContainText('binned profile likelihoods')
  await page.screenshot({ path: join(workbench.screens, 'skeleton-planned-view.png') })

  await page.reload()
  await expect(page.getByTestId('project-name').locator('input')).toHaveValue('Z → μμ study')
  await expect(page.getByTestId('view-fit')).toBeVisible()
  await expect(page.getByTestId('engine-state')).toHaveText(/Engine ready/)
})

async function newProject(page: Page, path: string): Promise<void> {
  await page.getByTestId('new-project').click()
  await page.getByTestId('path-input').fill(path)
  await page.getByTestId('path-submit').click()
  await expect(page.getByTestId('project-name').locator('input')).toBeVisible()
}

test('a job shows progress in the status bar and can be cancelled', async ({ page, workbench }) => {
  await page.goto(workbench.url)
  await expect(page.getByTestId('engine-state')).toHaveText(/Engine ready/)
  await newProject(page, join(workbench.dir, 'jobs.hepwb'))
  await page.getByTestId('check-backend').click()
  await expect(page.getByTestId('job')).toBeVisible()
  await expect(page.getByTestId('engine-state')).toHaveText(/Engine busy/)
  await page.screenshot({ path: join(workbench.screens, 'skeleton-job.png') })
  await page.getByTestId('cancel-job').click()
  await expect(page.getByTestId('job')).toHaveCount(0)
  await expect(page.getByTestId('check-result')).toHaveText(/cancelled/)
  await expect(page.getByTestId('engine-state')).toHaveText(/Engine ready/)
  // The cancelled run is recorded in the project.
  await page.getByTestId('nav-home').click()
  await expect(page.getByTestId('runs')).toContainText('cancelled')
  await page.screenshot({ path: join(workbench.screens, 'skeleton-project.png') })
})

test('opening a file that is not a project says so and keeps the open project', async ({
  page,
  workbench,
}) => {
  await page.goto(workbench.url)
  await newProject(page, join(workbench.dir, 'kept.hepwb'))
  await page.getByTestId('open-project').click()
  await page.getByTestId('path-input').fill(join(__dirname, '..', '..', 'package.json'))
  await page.getByTestId('path-submit').click()
  await expect(page.getByTestId('project-error')).toContainText('is not a HEP Workbench project')
  await expect(page.getByTestId('project-name').locator('input')).toHaveValue('kept')
})

test('the same URL without the token is refused', async ({ page, workbench }) => {
  const response = await page.request.get(workbench.url.replace(/\?token=.*/, ''), {
    headers: { cookie: '' },
  })
  expect(response.status()).toBe(401)
  await page.context().clearCookies()
  const nav = await page.goto(`http://127.0.0.1:${workbench.port}/`)
  expect(nav?.status()).toBe(401)
})
