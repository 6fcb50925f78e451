import { defineConfig } from '@playwright/test';
import { E2E } from './e2e/settings.ts';

export default defineConfig({
  testDir: 'e2e',
  outputDir: E2E.outputDir,
  timeout: 60_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  reporter: process.env.CI ? [['list'], ['json']] : 'list',
  // One desk serves every spec. The month of simulated traffic that the reports spec writes into it would
  // fill the queue the console specs read, so that spec runs last, after all the others.
  projects: [
    { name: 'desk', testIgnore: /reports-month\.spec\.ts/ },
    { name: 'month-of-traffic', testMatch: /reports-month\.spec\.ts/, dependencies: ['desk'] },
  ],
  use: {
    baseURL: E2E.baseURL,
    // Playwright cannot download its browsers here: it drives Debian's Chromium.
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  webServer: {
    // A fresh desk on its embedded default (SQLite + sandbox), with a customer posting every 2 s.
    command: `rm -rf ${E2E.dataDir} && node apps/server/bin/guichet.mjs start`,
    url: `${E2E.baseURL}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    env: {
      PORT: String(E2E.port),
      HOST: '127.0.0.1',
      GUICHET_DATA_DIR: E2E.dataDir,
      GUICHET_ADMIN_EMAIL: E2E.admin.email,
      GUICHET_ADMIN_PASSWORD: E2E.admin.password,
      GUICHET_SANDBOX_PORT: String(E2E.sandboxPort),
      GUICHET_SANDBOX_ADMIN_KEY: E2E.sandboxAdminKey,
      GUICHET_SANDBOX_CUSTOMER_INTERVAL: '2',
      // The sandbox holds the desk to X's 300 mention reads per 15 minutes per account: one poll a second
      // runs out after 5 minutes and then stops every feed of the channel (DMs too) until the window resets.
      // The sandbox channel streams its mentions, so polling is only the safety net here.
      GUICHET_POLL_INTERVAL: '4',
      // DMs are read at every poll rather than once a minute (X's 15 reads per 15 minutes), so the specs that
      // wait for a customer's DM wait seconds, not a minute: the sandbox allows this desk 1,000 DM reads.
      GUICHET_DM_POLL_INTERVAL: '3',
      GUICHET_SANDBOX_RATE_LIMITS: 'GET /2/dm_events=1000',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
    },
  },
});
