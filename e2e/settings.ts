/** Shared by playwright.config.ts (to start the desk) and the specs (to talk to it). */
const port = Number(process.env.E2E_PORT ?? 3987);

export const E2E = {
  port,
  baseURL: `http://127.0.0.1:${port}`,
  sandboxPort: port + 1,
  sandboxAdminKey: 'e2e-sandbox-admin-key',
  // Per-port folders, so two runs on different E2E_PORTs never share a database or artefacts.
  dataDir: process.env.E2E_PORT ? `test-results/e2e-data-${port}` : 'test-results/e2e-data',
  outputDir: process.env.E2E_PORT ? `test-results/e2e-artifacts-${port}` : 'test-results/e2e-artifacts',
  admin: { email: 'lead@acme.test', password: 'e2e correct horse battery' },
};
