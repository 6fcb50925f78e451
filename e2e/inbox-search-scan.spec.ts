import { execFileSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { shots, signIn } from './helpers.ts';
import { E2E } from './settings.ts';

/**
 * A search for a word in more messages than the search lists is tested case by case, 2,000 cases a page at
 * most (decision 0015): when those hold no match, the inbox says how far it searched and offers to go on,
 * and going on finds the older matches. In English and French.
 */
test.use({ viewport: { width: 1366, height: 900 } });

test.beforeAll(() => {
  const out = execFileSync('node', ['--import', 'tsx', 'e2e/seed-search.ts', E2E.dataDir], { encoding: 'utf8' });
  expect(out).toMatch(/Seeded \d+ old cases/);
});

const texts = {
  'en-GB': {
    stopped: 'Searched 2000 cases, the most recent first; the search stops there to stay fast.',
    keepSearching: 'Keep searching',
  },
  'fr-FR': {
    stopped: 'Recherche faite dans 2000 cas, les plus récents d’abord ; elle s’arrête là pour rester rapide.',
    keepSearching: 'Continuer la recherche',
  },
} as const;

for (const [locale, text] of Object.entries(texts)) {
  test.describe(locale, () => {
    test.use({ locale });

    test('a search that stops after a bounded scan says so and keeps searching on request', async ({ page }) => {
      await signIn(page);
      await page.goto('/?view=resolved&q=quokka');
      const notice = page.getByTestId('inbox-partial-scan');
      await expect(notice).toContainText(text.stopped);
      // Nothing found in that window: the notice stands in for "no case".
      await expect(page.getByTestId('inbox-empty')).toHaveCount(0);
      await expect(page.getByTestId('case-row')).toHaveCount(0);
      await page.screenshot({ path: `${shots}/inbox-partial-scan-${locale}.png`, fullPage: true });
      await notice.getByRole('button', { name: text.keepSearching }).click();
      // The next window holds the older cases that say "quokka": a whole page of them, the newest first.
      await expect(page.getByTestId('case-row')).toHaveCount(50);
      await expect(page.getByTestId('case-row').first()).toContainText('quokka égaré numéro 2099');
      await expect(notice).toHaveCount(0);
    });
  });
}
