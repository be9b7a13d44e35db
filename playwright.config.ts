import { defineConfig } from '@playwright/test'

/** End-to-end tests: Debian's Chromium drives the built app in browser mode (DESIGN.md §8). */
export default defineConfig({
  testDir: 'test/e2e',
  outputDir: 'test-results',
  timeout: 150_000,
  expect: { timeout: 30_000 },
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1400, height: 860 },
    screenshot: 'only-on-failure',
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
