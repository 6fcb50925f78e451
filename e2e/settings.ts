/** Shared by playwright.config.ts (to start the desk) and the specs (to talk to it). */
const port = Number(process.env.E2E_PORT ?? 3987);

export const E2E = {
  port,
  baseURL: `http://127.0.0.1:${port}`,
  sandboxPort: port + 1,
  sandboxAdminKey: 'e2e-sandbox-admin-key',
  admin: { email: 'lead@acme.test', password: 'e2e correct horse battery' },
};
