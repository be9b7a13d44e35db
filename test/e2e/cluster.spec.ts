/**
 * Settings → Cluster end to end: a real redis-server (started here on a free loopback port) and
 * a real `hepwb worker` (the built CLI), the window names the cluster, tests the connection,
 * sees the worker in the live list, chooses to run work there, and a cut-flow of the Cuts view
 * runs on the worker (its count of finished tasks goes up) with the same numbers as on this
 * machine.
 */
import { spawn } from 'node:child_process'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { haveRedisServer, startRedis, type RedisServer } from '../unit/helpers/redis-server'
import { expect, test } from './fixtures'
import { DATA } from './test-data'

// A chain of two files (the same events, zlib and zstd): two partitions, so the cut-flow is
// shared out as tasks (one partition alone runs in place).
const ZMUMU = join(DATA, 'skhep-testdata', 'uproot-Zmumu.root')
const ZMUMU_ZSTD = join(DATA, 'skhep-testdata', 'uproot-Zmumu-zstd.root')
const SCREENS = join(__dirname, '..', '..', 'test-results', 'screens')
const BIN = join(__dirname, '..', '..', 'bin', 'hepwb.js')

test.skip(!haveRedisServer(), 'redis-server is not installed (apt-get install redis-server)')

let redis: RedisServer | undefined
test.afterEach(async () => {
  await redis?.stop()
  redis = undefined
})

test('Settings: name a cluster, see its workers, run a cut-flow there', async ({
  page,
  workbench,
}) => {
  redis = await startRedis()
  const worker = spawn(
    process.execPath,
    [BIN, 'worker', '--redis', redis.url, '--concurrency', '2'],
    {
      stdio: 'ignore',
    },
  )
  try {
    await page.goto(workbench.url)
    await expect(page.getByTestId('home')).toBeVisible()

    // A cut-flow on this machine first: the numbers to compare with.
    await page.getByTestId('home-new').click()
    await page.getByTestId('path-input').fill(join(workbench.dir, 'cluster.hepwb'))
    await page.getByTestId('path-submit').click()
    await page.getByTestId('nav-data').click()
    await page.getByTestId('add-sample').click()
    await page.getByTestId('sample-files').fill(`${ZMUMU}\n${ZMUMU_ZSTD}`)
    await page.getByTestId('sample-inspect').click()
    await expect(page.getByTestId('sample-table')).toHaveValue('events')
    await page.getByTestId('sample-name').fill('Zmumu')
    await page.getByTestId('sample-save').click()
    await expect(page.getByTestId('sample-form')).toHaveCount(0)
    await expect(page.getByTestId('job')).toHaveCount(0, { timeout: 60_000 })
    await page.getByTestId('nav-cuts').click()
    await page.getByTestId('region-name').fill('SR')
    await page.getByTestId('region-add').click()
    for (const [i, e] of ['Q1 * Q2 < 0', 'M > 80'].entries()) {
      await page.getByTestId('cut-add').click()
      await page.getByTestId('cut-expr').nth(i).fill(e)
    }
    const table = page.getByTestId('cutflow-table')
    await expect(table.locator('tbody tr')).toHaveCount(2)
    await expect(table.locator('tbody tr').nth(1)).toContainText('M > 80')
    const local = await table.innerText()

    // Settings: a URL that does not answer gives a clear error.
    await page.getByTestId('nav-settings').click()
    await expect(page.getByTestId('settings')).toBeVisible()
    await page.getByTestId('cluster-url').fill('redis://127.0.0.1:1')
    await page.getByTestId('cluster-test').click()
    await expect(page.getByTestId('cluster-error')).toContainText(
      'cannot reach Redis at redis://127.0.0.1:1: connection refused',
    )
    // The real one: the worker is listed with its host and cores.
    await page.getByTestId('cluster-url').fill(redis.url)
    await page.getByTestId('cluster-test').click()
    await expect(page.getByTestId('cluster-error')).toHaveCount(0)
    await expect(page.getByTestId('cluster-worker')).toHaveCount(1, { timeout: 20_000 })
    await expect(page.getByTestId('cluster-worker')).toContainText(hostname())
    await expect(page.getByTestId('cluster-worker')).toContainText(String(worker.pid))
    await page.getByTestId('place-cluster').check()
    await page.getByTestId('cluster-save').click()
    await expect(page.getByTestId('cluster-saved')).toBeVisible()

    // The same cut-flow, now on the cluster: the same table, and the worker did the work.
    await page.getByTestId('nav-cuts').click()
    await page.getByTestId('cut-expr').nth(1).fill('M > 81')
    await expect(table.locator('tbody tr').nth(1)).toContainText('M > 81')
    await page.getByTestId('cut-expr').nth(1).fill('M > 80')
    await expect(table.locator('tbody tr').nth(1)).toContainText('M > 80')
    await expect.poll(() => table.innerText()).toBe(local)

    await page.getByTestId('nav-settings').click()
    await page.getByTestId('cluster-test').click()
    const done = page.getByTestId('cluster-worker').locator('td').nth(5)
    await expect
      .poll(async () => Number(await done.innerText()), { timeout: 10_000 })
      .toBeGreaterThan(0)
    await page.screenshot({ path: join(SCREENS, 'settings-cluster.png'), fullPage: true })
  } finally {
    worker.kill('SIGTERM')
  }
})
