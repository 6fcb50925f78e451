import { execFileSync } from 'node:child_process';
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { E2E } from './settings.ts';

const sandboxAdmin = `http://127.0.0.1:${E2E.sandboxPort}/sandbox/admin`;
const adminHeaders = { 'x-sandbox-admin-key': E2E.sandboxAdminKey };
export const shots = 'test-results/screenshots';
export const agentPassword = 'e2e another long password';

/** Adds an agent to the running desk's workspace with the CLI (as an operator would); a second call is a no-op. */
export function ensureAgent(email: string, name: string, role: 'agent' | 'trainee' | 'lead'): void {
  try {
    execFileSync(
      process.execPath,
      [
        'apps/server/bin/guichet.mjs',
        'agent',
        'add',
        '--email',
        email,
        '--name',
        name,
        '--role',
        role,
        '--password',
        agentPassword,
      ],
      {
        env: {
          ...process.env,
          GUICHET_DATA_DIR: E2E.dataDir,
          GUICHET_ADMIN_EMAIL: E2E.admin.email,
          GUICHET_ADMIN_PASSWORD: E2E.admin.password,
          LOG_LEVEL: 'silent',
        },
        stdio: 'pipe',
      },
    );
  } catch (error) {
    const output =
      String((error as { stderr?: Buffer }).stderr ?? '') + String((error as { stdout?: Buffer }).stdout ?? '');
    if (!/already|exists|taken/i.test(output)) throw error;
  }
}

export async function signInAs(page: Page, email: string, password: string) {
  await page.goto('/');
  await page.getByLabel(/e-?mail/i).fill(email);
  await page.getByLabel(/password|mot de passe/i).fill(password);
  await page.getByRole('button', { name: /sign in|se connecter/i }).click();
  await expect(page.getByTestId('view-all')).toBeVisible();
}

export async function signIn(page: Page) {
  await signInAs(page, E2E.admin.email, E2E.admin.password);
}

export interface CustomerProfile {
  name: string;
  description?: string;
  followersCount?: number;
  verified?: boolean;
}

/** A sandbox customer posts a mention; a bare name stands for a small account (87 followers). */
export async function customerPosts(
  request: APIRequestContext,
  username: string,
  profile: string | CustomerProfile,
  text: string,
) {
  const ensured = await request.post(`${sandboxAdmin}/users/ensure`, {
    headers: adminHeaders,
    data: { username, ...(typeof profile === 'string' ? { name: profile, followersCount: 87 } : profile) },
  });
  expect(ensured.ok()).toBe(true);
  const body = (await ensured.json()) as { data: { user?: { id: string }; id?: string } };
  const userId = body.data.user?.id ?? body.data.id;
  const posted = await request.post(`${sandboxAdmin}/users/${userId}/tweets`, {
    headers: adminHeaders,
    data: { text },
  });
  expect(posted.ok()).toBe(true);
}

export async function openCaseOf(page: Page, handle: string) {
  await page.getByTestId('inbox-search').fill(handle);
  const row = page
    .getByTestId('case-row')
    .filter({ hasText: `@${handle}` })
    .first();
  await expect(row).toBeVisible({ timeout: 30_000 });
  await row.click();
  await expect(page).toHaveURL(/\/cases\//);
}

/** Resolves the cases of these handle prefixes, so other specs' queues stay small. */
export async function resolveCases(page: Page, prefixes: string[]) {
  for (const prefix of prefixes) {
    const response = await page.request.get(`/api/cases?view=all&q=${prefix}&limit=200`);
    if (!response.ok()) continue;
    const { cases } = (await response.json()) as { cases: { id: string }[] };
    if (cases.length)
      await page.request.post('/api/cases/bulk', {
        data: { caseIds: cases.map((c) => c.id), action: { type: 'resolve' } },
      });
  }
}
