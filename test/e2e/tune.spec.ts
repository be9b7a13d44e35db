/**
 * The Tune view end to end: a real engine and project with the Kaggle H → ττ samples; a small
 * network tuned by random search with Hyperband — trials complete and some are pruned (cut-off
 * lines), the best opened as a model in the Train step, the study found again after a reload;
 * and a synthetic study of 2000 trials (written into the project file) that the view draws
 * promptly.
 */
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { expect, test } from './fixtures'
import { kaggleProject } from './kaggle'

const INPUTS = ['DER_mass_MMC', 'DER_mass_vis', 'DER_pt_h', 'PRI_tau_pt', 'PRI_met']

test.describe.configure({ mode: 'serial' })

test.beforeEach(async ({ page, workbench }) => {
  await page.goto(workbench.url)
  await expect(page.getByTestId('home')).toBeVisible()
})

test('tune a small network: trials complete, one pruned, best opened as a model, found after reload', async ({
  page,
  workbench,
}) => {
  test.setTimeout(240_000)
  const shot = (name: string) =>
    page.screenshot({ path: join(workbench.screens, `tune-${name}.png`), fullPage: true })
  await kaggleProject(page, join(workbench.dir, 'tune.hepwb'))

  // The training set-up is the Train step's: a network on five inputs, 9 epochs.
  await page.getByTestId('nav-tune').click()
  await expect(page.getByTestId('view-tune')).toBeVisible()
  await page.getByTestId('train-kind-mlp').click()
  if (await page.getByTestId('train-inputs-clear').isVisible())
    await page.getByTestId('train-inputs-clear').click()
  for (const v of INPUTS) await page.getByTestId(`train-input-${v}`).check()
  await page.getByTestId('mlp-epochs').fill('9')
  await page.getByTestId('mlp-patience').fill('0')
  // The network's default space: depth, widths (conditional on the depth), rate, batch, dropout.
  await expect(page.getByTestId('tune-param-name-0')).toHaveValue('options.layers.length')
  await expect(page.getByTestId('tune-param-name-4')).toHaveValue('options.learningRate')
  await page.getByTestId('tune-algorithm').selectOption('random')
  await page.getByTestId('tune-pruner').selectOption('hyperband')
  await page.getByTestId('tune-trials-n').fill('12')
  await page.getByTestId('tune-name').fill('small net')
  await expect(page.getByTestId('tune-blocker')).toHaveCount(0)
  await page.getByTestId('tune-start').click()

  const study = page.getByTestId('tune-study-small net')
  await expect(study).toBeVisible()
  await expect(page.getByTestId('tune-trial-0')).toBeVisible({ timeout: 60_000 })
  await shot('running')
  await expect(study).toHaveAttribute('data-state', 'done', { timeout: 180_000 })
  // The running trials' epochs came live, as the job's per-trial metrics.
  expect(
    Number(await page.getByTestId('view-tune').getAttribute('data-live-epochs')),
  ).toBeGreaterThan(0)
  await expect(page.locator('[data-testid^="tune-trial-"][data-state="complete"]')).not.toHaveCount(
    0,
  )
  await expect(page.locator('[data-testid^="tune-trial-"][data-state="pruned"]')).not.toHaveCount(0)
  await expect(page.getByTestId('tune-best')).toContainText('#')
  await page.getByTestId('tune-sort-value').click()
  await shot('done')
  for (const panel of ['history', 'curves', 'parallel-coords', 'importance', 'slices']) {
    await page.getByTestId(`tune-${panel}`).scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(workbench.screens, `tune-panel-${panel}.png`) })
  }
  // The switch leaves pruned trials out of the plots.
  await page.getByTestId('tune-hide').check()
  await shot('hidden')
  await page.getByTestId('tune-hide').uncheck()

  // The best trial as a model of the Train step.
  const best = (await page.getByTestId('tune-best').innerText()).match(/#(\d+)/)![1]
  await page.getByTestId('tune-open-best').click()
  await expect(page.getByTestId('view-train')).toBeVisible()
  await expect(page.getByTestId('train-result')).toBeVisible({ timeout: 60_000 })
  await expect(page.getByTestId('train-model')).toContainText(`small net #${best}`)
  await shot('opened')

  // A reload finds the study with its trials.
  await page.reload()
  await page.getByTestId('nav-tune').click()
  await expect(page.getByTestId('tune-study-small net')).toHaveAttribute('data-state', 'done')
  await expect(page.getByTestId('view-tune')).toHaveAttribute('data-trials', '12')
})

test('a study of 2000 trials draws promptly', async ({ page, workbench }) => {
  const file = join(workbench.dir, 'big.hepwb')
  await page.getByTestId('home-new').click()
  await page.getByTestId('path-input').fill(file)
  await page.getByTestId('path-submit').click()
  await page.getByTestId('nav-tune').click()
  await expect(page.getByTestId('view-tune')).toBeVisible()

  // A synthetic study written into the project beside the engine (SQLite allows it).
  const db = new Database(file)
  db.pragma('busy_timeout = 5000')
  const settings = {
    name: 'big',
    train: { kind: 'mlp', inputs: ['a'], options: { epochs: 9 } },
    space: {
      'options.learningRate': { float: [1e-4, 1e-2], log: true },
      'options.batchSize': { choice: [128, 256, 512] },
      'options.dropout': { float: [0, 0.3] },
    },
    objective: { metric: 'auc_test', direction: 'maximize' },
    algorithm: 'tpe',
    pruner: 'hyperband',
    trials: 2000,
    parallel: 1,
    seed: 1,
  }
  db.prepare(
    `INSERT INTO tune_studies (id, name, settings, state, created_at) VALUES ('big', 'big', ?, 'done', ?)`,
  ).run(JSON.stringify(settings), new Date().toISOString())
  const put = db.prepare(
    `INSERT INTO tune_trials (study_id, number, params, state, value, intermediate, epochs, seconds, reason)
     VALUES ('big', ?, ?, ?, ?, ?, ?, 1, NULL)`,
  )
  db.transaction(() => {
    for (let n = 0; n < 2000; n++) {
      const lr = 10 ** (-4 + 2 * ((n * 0.618034) % 1))
      const value = 0.88 - 0.05 * Math.abs(Math.log10(lr) + 3) - 0.01 * ((n * 0.414) % 1)
      const pruned = n % 3 === 1
      const epochs = pruned ? (n % 2 ? 1 : 3) : 9
      const curve = Array.from({ length: epochs }, (_, e) => 0.7 - value / 2 + 0.1 / (e + 1))
      put.run(
        n,
        JSON.stringify({
          'options.learningRate': lr,
          'options.batchSize': [128, 256, 512][n % 3],
          'options.dropout': 0.3 * ((n * 0.7548) % 1),
        }),
        pruned ? 'pruned' : 'complete',
        value,
        JSON.stringify(curve),
        epochs,
      )
    }
  })()
  db.close()

  await page.reload()
  await page.getByTestId('nav-tune').click()
  const t0 = Date.now()
  await page.getByTestId('tune-study-big').click()
  await expect(page.getByTestId('view-tune')).toHaveAttribute('data-trials', '2000')
  await expect(page.getByTestId('tune-parallel-coords').locator('canvas')).toBeVisible()
  await expect(page.getByTestId('tune-slices').locator('canvas')).toHaveCount(3)
  const ms = Date.now() - t0
  // The view stays usable: the switch answers at once too.
  const t1 = Date.now()
  await page.getByTestId('tune-hide').check()
  await page.getByTestId('tune-sort-value').click()
  await expect(page.locator('[data-testid^="tune-trial-"]').first()).toBeVisible()
  const msSwitch = Date.now() - t1
  console.log(`2000 trials: drawn in ${ms} ms, hide + sort in ${msSwitch} ms`)
  // Measured 0.7 s on an idle 2-core machine; the margin is for a machine shared by others.
  expect(ms).toBeLessThan(8000)
  expect(msSwitch).toBeLessThan(5000)
  await page.screenshot({ path: join(workbench.screens, 'tune-2000.png'), fullPage: true })
  for (const panel of ['history', 'curves', 'parallel-coords', 'importance']) {
    await page.getByTestId(`tune-${panel}`).scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(workbench.screens, `tune-2000-${panel}.png`) })
  }
})

test('tune an autoencoder from the Anomaly set-up and open the best in the Anomaly step', async ({
  page,
  workbench,
}) => {
  test.setTimeout(240_000)
  await kaggleProject(page, join(workbench.dir, 'tune-ae.hepwb'))
  await page.getByTestId('nav-tune').click()
  await page.getByTestId('tune-family-anomaly').click()
  await expect(page.getByTestId('anomaly-setup')).toBeVisible()
  await page.getByTestId('anomaly-kind-ae').click()
  if (await page.getByTestId('train-inputs-clear').isVisible())
    await page.getByTestId('train-inputs-clear').click()
  for (const v of INPUTS) await page.getByTestId(`train-input-${v}`).check()
  await page.getByTestId('anomaly-epochs').fill('3')
  await page.getByTestId('anomaly-epochs').press('Tab')
  // The autoencoder's default space and objectives.
  await expect(page.getByTestId('tune-param-name-0')).toHaveValue('options.latent')
  await expect(page.getByTestId('tune-metric')).toHaveValue('anomaly_auc')
  await page.getByTestId('tune-algorithm').selectOption('random')
  await page.getByTestId('tune-trials-n').fill('3')
  await page.getByTestId('tune-name').fill('ae study')
  await expect(page.getByTestId('tune-blocker')).toHaveCount(0)
  await page.getByTestId('tune-start').click()
  const study = page.getByTestId('tune-study-ae study')
  await expect(study).toHaveAttribute('data-state', 'done', { timeout: 180_000 })
  await expect(page.locator('[data-testid^="tune-trial-"][data-state="complete"]')).toHaveCount(3)
  await page.screenshot({ path: join(workbench.screens, 'tune-ae.png'), fullPage: true })
  await page.getByTestId('tune-open-best').click()
  await expect(page.getByTestId('view-anomaly')).toBeVisible()
  await expect(page.getByTestId('anomaly-model-row')).toHaveCount(1, { timeout: 90_000 })
  await expect(page.getByTestId('anomaly-model-row')).toContainText('ae study #')
})
