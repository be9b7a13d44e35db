/**
 * Writes to a path typed in the browser (issue 17, items 4 and 9): an existing file is replaced
 * only after the window asked "X exists. Replace it?" and the user said yes; Save As onto the
 * open project's own file under another spelling is refused with a message.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'

/** Answers the next confirm dialog; resolves with its message. */
function answerNextDialog(page: Page, accept: boolean): Promise<string> {
  return new Promise((resolve) => {
    page.once('dialog', (d) => {
      resolve(d.message())
      void (accept ? d.accept() : d.dismiss())
    })
  })
}

const isSqlite = (p: string) => readFileSync(p).subarray(0, 15).toString() === 'SQLite format 3'

test('Save As and exports ask before replacing a file', async ({ page, workbench }) => {
  await page.goto(workbench.url)
  await expect(page.getByTestId('engine-state')).toHaveText(/Engine ready/)
  const a = join(workbench.dir, 'a.hepwb')
  await page.getByTestId('new-project').click()
  await page.getByTestId('path-input').fill(a)
  await page.getByTestId('path-submit').click()
  await expect(page.getByTestId('project-name').locator('input')).toHaveValue('a')

  // Save As onto an existing file: asked; "no" keeps the file and the open project.
  const b = join(workbench.dir, 'b.hepwb')
  writeFileSync(b, 'precious')
  await page.getByTestId('save-as').click()
  await page.getByTestId('path-input').fill(b)
  const asked = answerNextDialog(page, false)
  await page.getByTestId('path-submit').click()
  expect(await asked).toBe(`${b} exists. Replace it?`)
  await expect(page.getByTestId('path-input')).toBeVisible()
  expect(readFileSync(b, 'utf8')).toBe('precious')
  await expect(page.getByTestId('project-name')).toContainText(a)
  await expect(page.getByTestId('project-error')).toHaveCount(0)

  // "Yes" replaces it, and the copy is the open project.
  const again = answerNextDialog(page, true)
  await page.getByTestId('path-submit').click()
  expect(await again).toBe(`${b} exists. Replace it?`)
  await expect(page.getByTestId('project-name')).toContainText(b)
  expect(isSqlite(b)).toBe(true)

  // Save As onto its own file under another spelling: refused, saying why; nothing asked.
  let dialogs = 0
  page.on('dialog', (d) => {
    dialogs++
    void d.dismiss()
  })
  await page.getByTestId('save-as').click()
  await page.getByTestId('path-input').fill(`${workbench.dir}/./b.hepwb`)
  await page.getByTestId('path-submit').click()
  await expect(page.getByTestId('project-error')).toContainText("is this project's own file")
  expect(dialogs).toBe(0)
  expect(isSqlite(b)).toBe(true)
  await page.getByTestId('project-error').getByRole('button', { name: 'dismiss' }).click()
  await page.getByRole('button', { name: 'Cancel' }).click()

  // A workspace export onto an existing file: asked, and "no" leaves it.
  const ws = join(workbench.dir, 'ws.json')
  writeFileSync(
    ws,
    JSON.stringify({
      channels: [
        {
          name: 'c',
          samples: [
            { name: 's', data: [5], modifiers: [{ name: 'mu', type: 'normfactor', data: null }] },
            { name: 'b', data: [50], modifiers: [] },
          ],
        },
      ],
      observations: [{ name: 'c', data: [55] }],
      measurements: [{ name: 'm', config: { poi: 'mu', parameters: [] } }],
      version: '1.0.0',
    }),
  )
  await page.getByTestId('nav-fit').click()
  await page.getByTestId('import-workspace').click()
  await page.getByTestId('ws-path').fill(ws)
  await page.getByTestId('ws-import').click()
  await expect(page.getByTestId('workspaces')).toContainText('ws')
  const out = join(workbench.dir, 'exported.json')
  writeFileSync(out, 'keep me')
  page.removeAllListeners('dialog')
  await page.getByTestId('export-workspace').click()
  await page.getByTestId('path-input').fill(out)
  const askedExport = answerNextDialog(page, false)
  await page.getByTestId('path-submit').click()
  expect(await askedExport).toBe(`${out} exists. Replace it?`)
  expect(readFileSync(out, 'utf8')).toBe('keep me')
  await expect(page.getByTestId('export-done')).toHaveCount(0)
  const yes = answerNextDialog(page, true)
  await page.getByTestId('path-submit').click()
  await yes
  await expect(page.getByTestId('export-done')).toContainText(out)
  expect(JSON.parse(readFileSync(out, 'utf8')).version).toBe('1.0.0')
  expect(existsSync(a)).toBe(true)
})
