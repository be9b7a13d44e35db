import { defineConfig } from '@playwright/test'

/** End-to-end tests: Debian's Chromium drives the built app in browser mode (DESIGN.md §8). */
export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results',
  timeout: 150_000,
  expect: { timeout: 30_000 },
  workers: 1,
  // One retry, reported as "flaky" in the output: the Data spec's sample edit has hung at
  // "Checking…" in 2 of 4 full runs on 2 cores (never alone, 0 of 10); the trace of the retried
  // test is kept to find out why.
  retries: 1,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1400, height: 860 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.HEPWB_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
})
