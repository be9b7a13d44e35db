/**
 * The Cuts & Regions view end to end: a real engine and project with the Z → μμ sample, a
 * derived variable, a region of three cuts, the cut-flow following a threshold change (typed,
 * slid, and dragged on the N−1 plot), a reload that keeps everything, the regions table, and the
 * project exported as a spec and opened again as a new project, whose Data explorer plots the
 * derived variable. The requests the window sends are counted from its WebSocket frames: cuts
 * are checked in the window as they are typed, and a burst of typing sends one `cuts.update`.
 */
import { join } from 'node:path'
import { expect, test } from './fixtures'
import { DATA } from './test-data'

const ZMUMU = join(DATA, 'skhep-testdata', 'uproot-Zmumu.root')
const SCREENS = join(__dirname, '..', '..', 'test-results', 'screens')

test.describe.configure({ mode: 'serial' })

/** Engine methods the window called, in order (from the WebSocket frames it sent). */
let sent: string[] = []

/** The constant of M's comparison in a cut as this test writes it (`M > 95`, `(M)>95&&…`). */
function constantOf(cut: string): string {
  const m = /M\)?\s*>\s*(\d+(?:\.\d+)?)/.exec(cut)
  if (!m) throw new Error(`no threshold of M in '${cut}'`)
  return m[1]
}

// Each test gets its own server, engine and config folder (fixtures.ts): it starts on the
// welcome page with no project open.
test.beforeEach(async ({ page, workbench }) => {
  sent = []
  page.on('websocket', (ws) =>
    ws.on('framesent', ({ payload }) => {
      const m = JSON.parse(String(payload)) as { type?: string; method?: string }
      if (m.type === 'request' && m.method) sent.push(m.method)
    }),
  )
  await page.goto(workbench.url)
  await expect(page.getByTestId('home')).toBeVisible()
})

test('derived variable, region with three cuts, live cut-flow, reload', async ({
  page,
  workbench,
}) => {
  await page.getByTestId('home-new').click()
  await page.getByTestId('path-input').fill(join(workbench.dir, 'cuts.hepwb'))
  await page.getByTestId('path-submit').click()
  await page.getByTestId('nav-data').click()
  await page.getByTestId('add-sample').click()
  await page.getByTestId('sample-files').fill(ZMUMU)
  await page.getByTestId('sample-inspect').click()
  await expect(page.getByTestId('sample-table')).toHaveValue('events')
  await page.getByTestId('sample-name').fill('Zmumu')
  await page.getByTestId('sample-save').click()
  await expect(page.getByTestId('sample-form')).toHaveCount(0)
  await expect(page.getByTestId('job')).toHaveCount(0, { timeout: 60_000 })

  await page.getByTestId('nav-cuts').click()
  await page.getByTestId('var-name').fill('ptsum')
  await page.getByTestId('var-expr').fill('pt1 + pt2')
  await page.getByTestId('var-add').click()
  await expect(page.getByTestId('variables')).toContainText('ptsum = pt1 + pt2')

  await page.getByTestId('region-name').fill('SR')
  await page.getByTestId('region-add').click()
  await expect(page.getByTestId('region')).toHaveCount(1)

  const exprs = ['Q1 * Q2 < 0', 'ptsum > 60', 'M > 80']
  for (const [i, e] of exprs.entries()) {
    await page.getByTestId('cut-add').click()
    await page.getByTestId('cut-expr').nth(i).fill(e)
  }
  // A typo shows the checker's message with its position, and is not saved.
  await page.getByTestId('cut-expr').nth(2).fill('Mas > 80')
  await expect(page.getByTestId('cut-error')).toContainText("unknown variable 'Mas' at 0")
  await page.getByTestId('cut-expr').nth(2).fill('M > 80')
  await expect(page.getByTestId('cut-error')).toHaveCount(0)

  // A syntax error shows its position at once, from the window's own parse: nothing is sent,
  // not even after the quiet time.
  await expect(page.getByTestId('cutflow-table').locator('tbody tr')).toHaveCount(3)
  await page.waitForTimeout(600)
  const quiet = sent.length
  await page.getByTestId('cut-expr').nth(2).fill('M > 80 &&')
  await expect(page.getByTestId('cut-error')).toHaveText(
    "expected a number, a name or '(' at 9 (found the end of the expression)",
  )
  await page.waitForTimeout(600)
  expect(sent.slice(quiet)).toEqual([])
  await page.getByTestId('cut-expr').nth(2).fill('M > 80')
  await expect(page.getByTestId('cut-error')).toHaveCount(0)

  const table = page.getByTestId('cutflow-table')
  await expect(table.locator('tbody tr')).toHaveCount(3)
  await expect(table.locator('tbody tr').nth(2)).toContainText('M > 80')
  const before = await table.locator('tbody tr').nth(2).locator('td').nth(1).innerText()
  await page.getByTestId('cut').nth(2).click()
  await expect(page.getByTestId('nminus1-caption')).toContainText('cut 3: M')
  await expect(page.getByTestId('threshold-slider')).toBeVisible()
  await page.screenshot({ path: join(SCREENS, 'cuts-region.png'), fullPage: true })

  // A tighter threshold, typed key by key: the last row changes. No request per keystroke
  // (cuts are checked in the window): one cuts.update for the burst, then the new N−1 plot.
  await page.waitForTimeout(600)
  const typing = sent.length
  await page.getByTestId('cut-expr').nth(2).clear()
  await page.getByTestId('cut-expr').nth(2).pressSequentially('M > 95', { delay: 20 })
  await expect(table.locator('tbody tr').nth(2)).toContainText('M > 95')
  await expect(page.getByTestId('threshold-value')).toHaveText('95')
  expect(sent.slice(typing)).toEqual(['cuts.update', 'cuts.nminus1'])
  const after = await table.locator('tbody tr').nth(2).locator('td').nth(1).innerText()
  expect(after).not.toBe(before)
  await page.screenshot({ path: join(SCREENS, 'cuts-threshold.png'), fullPage: true })

  await page.reload()
  await page.getByTestId('nav-cuts').click()
  await expect(page.getByTestId('variables')).toContainText('ptsum = pt1 + pt2')
  await expect(page.getByTestId('cut-expr')).toHaveCount(3)
  await expect(page.getByTestId('cut-expr').nth(2)).toHaveValue('M > 95')
  await expect(page.getByTestId('cutflow-table').locator('tbody tr').nth(2)).toContainText(after)
  await page.screenshot({ path: join(SCREENS, 'cuts-reload.png'), fullPage: true })

  // The slider beside the N−1 plot rewrites the constant of the simple cut.
  await page.getByTestId('cut').nth(2).click()
  await expect(page.getByTestId('threshold-slider')).toBeVisible()
  await page.getByTestId('threshold-slider').fill('90')
  await expect(page.getByTestId('cut-expr').nth(2)).toHaveValue(/^M > (89|9\d)(\.\d+)?$/)
  await expect(page.getByTestId('cutflow-table').locator('tbody tr').nth(2)).not.toContainText(
    after,
  )

  // The regions table: one row per cut, ✓ in the region's column.
  const regions = page.getByTestId('regions-table')
  await expect(regions.locator('tbody tr')).toHaveCount(3)
  await expect(regions.locator('thead')).toContainText('SR')
  await expect(regions.locator('tbody tr').nth(1)).toContainText('ptsum > 60')
  await expect(regions.locator('tbody tr').nth(1)).toContainText('✓')
  await regions.screenshot({ path: join(SCREENS, 'cuts-regions-table.png') })

  // Dragging the red cut line on the N−1 plot moves the threshold, and the cut-flow follows.
  // The cut is written in a form of its own (parentheses, no spaces, a second term): the drag
  // rewrites only the number of M's comparison (Q2 is ±1, so the second term keeps every event).
  const tail = '&&Q2 >= -1'
  const slid = await page.getByTestId('cut-expr').nth(2).inputValue()
  await page
    .getByTestId('cut-expr')
    .nth(2)
    .fill(`(M)>${constantOf(slid)}${tail}`)
  await expect(page.getByTestId('cutflow-table').locator('tbody tr').nth(2)).toContainText(tail)
  const typed = await page.getByTestId('cut-expr').nth(2).inputValue()
  const rowBefore = await page
    .getByTestId('cutflow-table')
    .locator('tbody tr')
    .nth(2)
    .locator('td')
    .nth(1)
    .innerText()
  // The N−1 plot of the edited cut arrives after the cut-flow: drag once it is there.
  await expect(page.getByTestId('threshold-value')).toHaveText(constantOf(typed))
  const plot = page.getByTestId('nminus1-chart')
  await expect(plot).toHaveAttribute('data-handle-x', /\d/)
  const hx = Number(await plot.getAttribute('data-handle-x'))
  const box = await plot.getByTestId('chart').boundingBox()
  if (!box) throw new Error('no N−1 chart')
  const y = box.y + box.height / 2
  const drag = sent.length
  await page.mouse.move(box.x + hx, y)
  await page.mouse.down()
  await page.mouse.move(box.x + hx + 40, y, { steps: 8 })
  await page.mouse.move(box.x + hx + 80, y, { steps: 8 })
  await page.mouse.up()
  await expect(page.getByTestId('cut-expr').nth(2)).not.toHaveValue(typed)
  await expect(page.getByTestId('cut-expr').nth(2)).toHaveValue(
    new RegExp(`^\\(M\\)>\\d+(\\.\\d+)?${tail}$`),
  )
  const dragged = await page.getByTestId('cut-expr').nth(2).inputValue()
  const moved = Number(constantOf(dragged))
  expect(moved).toBeGreaterThan(Number(constantOf(typed)))
  expect(dragged).toBe(`(M)>${moved}${tail}`)
  await expect(
    page.getByTestId('cutflow-table').locator('tbody tr').nth(2).locator('td').nth(1),
  ).not.toHaveText(rowBefore)
  await expect(page.getByTestId('threshold-value')).toHaveText(String(moved))
  // One update for the drop (the cut-flow with it), then the moved cut's N−1 plot.
  expect(sent.slice(drag)).toEqual(['cuts.update', 'cuts.nminus1'])
  const rowAfter = await page
    .getByTestId('cutflow-table')
    .locator('tbody tr')
    .nth(2)
    .locator('td')
    .nth(1)
    .innerText()
  await page.screenshot({ path: join(SCREENS, 'cuts-drag.png'), fullPage: true })

  // The project as a spec, and the spec opened as a new project with the same region.
  const spec = join(workbench.dir, 'analysis.json')
  await page.getByTestId('export-spec').click()
  await page.getByTestId('path-input').fill(spec)
  await page.getByTestId('path-submit').click()
  await expect(page.getByTestId('spec-exported')).toContainText(spec)
  await page.getByTestId('open-spec').click()
  await page.getByTestId('spec-path').fill(spec)
  await expect(page.getByTestId('spec-project-path')).toHaveValue(
    join(workbench.dir, 'analysis.hepwb'),
  )
  await page.getByTestId('spec-open-submit').click()
  await expect(page.getByTestId('spec-open')).toHaveCount(0, { timeout: 60_000 })
  await expect(page.getByTestId('project-name').locator('input')).toHaveValue('analysis')
  await page.getByTestId('nav-cuts').click()
  await expect(page.getByTestId('cut-expr')).toHaveCount(3)
  await expect(page.getByTestId('cut-expr').nth(2)).toHaveValue(`(M)>${moved}${tail}`)
  await expect(
    page.getByTestId('cutflow-table').locator('tbody tr').nth(2).locator('td').nth(1),
  ).toHaveText(rowAfter)
  await page.screenshot({ path: join(SCREENS, 'cuts-spec-opened.png'), fullPage: true })

  // The derived variable in the Data step's explorer: listed, summarised and plotted.
  await page.getByTestId('nav-data').click()
  await expect(page.getByTestId('variable-ptsum')).toBeVisible({ timeout: 60_000 })
  await expect(page.getByTestId('variable-ptsum')).not.toContainText('…', { timeout: 60_000 })
  await page.getByTestId('variable-ptsum').click()
  await expect(page.getByTestId('variable-ptsum')).toHaveClass(/selected/)
  await expect(page.getByTestId('histogram-panel').getByTestId('chart')).toBeVisible()
  await expect(page.getByTestId('histogram-error')).toHaveCount(0)
  await page.screenshot({ path: join(SCREENS, 'cuts-derived-explorer.png'), fullPage: true })
})
