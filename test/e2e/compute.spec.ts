/**
 * The Project view's Compute settings (issue 13): worker threads and the memory budget are
 * stored in the project (compute.threads, compute.memory in bytes), survive a reload, and a
 * bad value is refused with a message instead of being stored.
 */
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { expect, test } from './fixtures'

test('threads and memory budget are project settings', async ({ page, workbench }) => {
  await page.goto(workbench.url)
  await expect(page.getByTestId('home')).toBeVisible()
  const path = join(workbench.dir, 'compute.hepwb')
  await page.getByTestId('home-new').click()
  await page.getByTestId('path-input').fill(path)
  await page.getByTestId('path-submit').click()
  await expect(page.getByTestId('project-overview')).toBeVisible()

  const threads = page.getByTestId('compute-threads')
  const memory = page.getByTestId('compute-memory')
  await expect(threads).toHaveValue('')
  await expect(threads).toHaveAttribute('placeholder', 'every core')

  await threads.fill('0')
  await threads.dispatchEvent('change')
  await expect(page.getByRole('alert')).toContainText('threads must be a whole number')

  await threads.fill('2')
  await threads.dispatchEvent('change')
  await memory.fill('0.5')
  await memory.dispatchEvent('change')
  await expect(page.getByRole('alert')).toHaveCount(0)
  await page.screenshot({ path: join(workbench.screens, 'compute-settings.png') })

  await page.reload()
  await expect(page.getByTestId('project-overview')).toBeVisible()
  await expect(page.getByTestId('compute-threads')).toHaveValue('2')
  await expect(page.getByTestId('compute-memory')).toHaveValue('0.5')

  // What the engine reads: the project's settings table.
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    const rows = db
      .prepare("SELECT key, value FROM settings WHERE key LIKE 'compute.%' ORDER BY key")
      .all() as { key: string; value: string }[]
    expect(rows).toEqual([
      { key: 'compute.memory', value: String(2 ** 29) },
      { key: 'compute.threads', value: '2' },
    ])
  } finally {
    db.close()
  }
})
