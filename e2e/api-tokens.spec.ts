import { expect, test } from '@playwright/test';
import { shots, signIn } from './helpers.ts';

test.use({ viewport: { width: 1366, height: 900 } });

for (const lang of ['en', 'fr'] as const) {
  test.describe(`API tokens (${lang})`, () => {
    test.use({ locale: lang === 'fr' ? 'fr-FR' : 'en-GB' });

    test('an admin creates a token, a script uses it within its scopes, and revocation stops it', async ({
      page,
      request,
    }) => {
      // The desk's Content-Security-Policy must leave the app whole: Mantine's styles, the socket, images.
      const refusals: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) refusals.push(message.text());
      });
      await signIn(page);
      await page.goto('/admin/tokens');
      await expect(page.getByTestId('api-tokens-panel')).toBeVisible();

      const name = `Export script ${lang} ${Date.now()}`;
      await page.getByTestId('api-token-create').click();
      await page.getByTestId('api-token-name').fill(name);
      await expect(page.getByTestId('api-token-scope-cases:read')).toBeChecked();
      await page.getByTestId('api-token-scope-reports:read').check();
      await page.screenshot({ path: `${shots}/api-tokens-form-${lang}.png` });
      await page.getByTestId('api-token-submit').click();
      const secretBox = page.getByTestId('api-token-secret');
      await expect(secretBox).toHaveText(/^gch_[A-Za-z0-9_-]{43}$/);
      const secret = (await secretBox.textContent())!.trim();
      await expect(page.getByTestId('api-token-created')).toContainText(
        lang === 'fr' ? 'C’est la seule fois qu’il s’affiche' : 'This is the only time it is shown',
      );
      await page.screenshot({ path: `${shots}/api-tokens-created-${lang}.png` });
      await page.getByTestId('api-token-done').click();

      const row = page.locator(`[data-testid="api-token-row"][data-token-name="${name}"]`);
      await expect(row.getByTestId('api-token-state')).toHaveText(lang === 'fr' ? 'Actif' : 'Active');
      await expect(row.getByTestId('api-token-last-used')).toHaveText(lang === 'fr' ? 'Jamais utilisé' : 'Never used');
      await expect(row).not.toContainText(secret.slice(12));

      // A script, with no cookie: what the scopes cover works, the rest is refused.
      const authorization = `Bearer ${secret}`;
      const cases = await request.get('/api/cases', { headers: { authorization } });
      expect(cases.status()).toBe(200);
      expect(Array.isArray(((await cases.json()) as { cases: unknown[] }).cases)).toBe(true);
      const bulk = await request.post('/api/cases/bulk', {
        headers: { authorization },
        data: { caseIds: ['00000000-0000-7000-8000-000000000000'], action: { type: 'resolve' } },
      });
      expect(bulk.status()).toBe(403);
      expect(((await bulk.json()) as { error: { code: string } }).error.code).toBe('auth.scope_missing');
      const tokens = await request.get('/api/api-tokens', { headers: { authorization } });
      expect(tokens.status()).toBe(403);

      await page.reload();
      await expect(row.getByTestId('api-token-last-used')).not.toHaveText(
        lang === 'fr' ? 'Jamais utilisé' : 'Never used',
      );
      await page.screenshot({ path: `${shots}/api-tokens-list-${lang}.png`, fullPage: true });

      await row.getByTestId('api-token-revoke').click();
      await page.getByTestId('api-token-revoke-confirm').click();
      await expect(row.getByTestId('api-token-state')).toHaveText(lang === 'fr' ? 'Révoqué' : 'Revoked');
      const revoked = await request.get('/api/cases', { headers: { authorization } });
      expect(revoked.status()).toBe(401);
      expect(((await revoked.json()) as { error: { code: string } }).error.code).toBe('auth.invalid_token');
      expect(refusals).toEqual([]);
    });
  });
}
