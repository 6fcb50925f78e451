import { expect, test, type Page } from '@playwright/test';
import { customerPosts, openCaseOf, resolveCases, shots, signIn } from './helpers.ts';

test.use({ viewport: { width: 1366, height: 900 } });

test.afterEach(async ({ page }) => {
  await resolveCases(page, ['macro_', 'rows_']);
});

const labels = {
  en: {
    pending: 'Pending',
    answered: 'Answered',
    unanswered: 'Awaiting reply',
    complaints: 'Complaints',
    public: 'Public',
  },
  fr: {
    pending: 'En attente',
    answered: 'Répondu',
    unanswered: 'En attente de réponse',
    complaints: 'Réclamations',
    public: 'Public',
  },
} as const;

/** Picks an option of a Mantine Select by its label. */
async function pick(page: Page, testId: string, option: string) {
  await page.getByTestId(testId).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

const day = (offset: number) => {
  const date = new Date(Date.now() + offset * 86_400_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
};

/** Issue 13, items 6 and 7: macros, folders, the starter library; inbox rows, Complaints, search by dates. */
for (const lang of ['en', 'fr'] as const) {
  test.describe(`macros and inbox rows (${lang})`, () => {
    test.use({ locale: lang === 'en' ? 'en-GB' : 'fr-FR' });

    test(`imports the starter library once, keeps folders, applies a macro with a reply (${lang})`, async ({
      page,
      request,
    }) => {
      // Two screens, a dozen saved replies and a reply delivered on the sandbox.
      test.setTimeout(120_000);
      const n = Date.now() % 100000;
      await signIn(page);
      await page.goto('/templates');

      // The starter library: a second import adds nothing.
      await page.getByTestId('starter-import').click();
      await expect(page.getByTestId('starter-result')).toBeVisible();
      const rows = page.getByTestId('template-row');
      await expect(page.locator('[data-testid="template-row"][data-shortcut="thanks"]')).toHaveCount(1);
      await expect(page.locator('[data-testid="template-row"][data-shortcut="merci"]')).toHaveCount(1);
      const count = await rows.count();
      expect(count).toBeGreaterThanOrEqual(12);
      await page.getByTestId('starter-import').click();
      await expect(page.getByTestId('starter-result')).toContainText(
        lang === 'en' ? 'nothing was added' : 'rien n’a été ajouté',
      );
      await expect(rows).toHaveCount(count);

      // A folder, renamed.
      const folder = `Livraison ${lang} ${n}`;
      await page.getByTestId('folder-name').fill(`Tmp ${lang} ${n}`);
      await page.getByTestId('folder-name').press('Enter');
      const heading = page.getByTestId('folder-title').filter({ hasText: `Tmp ${lang} ${n}` });
      await expect(heading).toBeVisible();
      const group = page.getByTestId('template-folder-group').filter({ has: heading });
      await group.getByTestId('folder-rename').click();
      await page.getByTestId('folder-rename-input').fill(folder);
      await page.getByTestId('folder-rename-input').press('Enter');
      await expect(page.getByTestId('folder-title').filter({ hasText: folder })).toBeVisible();

      // A macro in that folder: its text built with the variable chips, a tag and a status.
      const shortcut = `colis${lang}${n}`;
      const tag = `livraison-${lang}-${n}`;
      await page.getByTestId('template-new').click();
      await page.getByTestId('template-name').fill(`Colis ${lang} ${n}`);
      await page.getByTestId('template-shortcut').fill(shortcut);
      await page.getByTestId('variable-greeting').click();
      await page.getByTestId('variable-customer.firstName').click();
      await page.getByTestId('template-body').press('End');
      await page.getByTestId('template-body').pressSequentially(', nous suivons votre colis.');
      await expect(page.getByTestId('template-body')).toHaveValue(
        '{{greeting}} {{customer.firstName}}, nous suivons votre colis.',
      );
      await pick(page, 'template-folder', folder);
      await page.getByTestId('macro-tags').fill(tag);
      await page.getByTestId('macro-tags').press('Enter');
      await pick(page, 'macro-status', labels[lang].pending);
      await page.getByTestId('template-editor').screenshot({ path: `${shots}/macros-editor-${lang}.png` });
      await page.getByTestId('template-save').click();
      const macroRow = page.locator(`[data-testid="template-row"][data-shortcut="${shortcut}"]`);
      await expect(macroRow.getByTestId('template-effects')).toContainText(tag);
      await expect(
        page.getByTestId('template-folder-group').filter({ hasText: folder }).locator(`[data-shortcut="${shortcut}"]`),
      ).toHaveCount(1);
      await page.screenshot({ path: `${shots}/macros-templates-${lang}.png`, fullPage: true });

      // Used with `/` in a reply: the server applies the tag and the status with the reply, once.
      const handle = `macro_${lang}_${n}`;
      await customerPosts(request, handle, 'Léa Martin', '@acme_sav mon colis est bloqué depuis une semaine');
      await page.goto('/');
      await openCaseOf(page, handle);
      await page.getByTestId('reply-input').fill(`/${shortcut}`);
      await page.getByTestId('template-option').first().click();
      await expect(page.getByTestId('macro-attached')).toContainText(tag);
      await page.getByTestId('macro-bar').screenshot({ path: `${shots}/macros-composer-${lang}.png` });
      await page.getByTestId('reply-send').click();
      await expect(page.locator('[data-testid="message"][data-direction="outbound"]')).toHaveCount(1);
      await expect(page.getByTestId('case-tags')).toContainText(tag);
      await expect(page.locator('[data-testid="history-event"][data-type="case.macro_applied"]')).toHaveCount(1);
      const caseId = page.url().split('/cases/')[1]!.split(/[?#]/)[0]!;
      const detail = (await (await page.request.get(`/api/cases/${caseId}`)).json()) as {
        case: { status: string; tags: { name: string }[] };
      };
      expect(detail.case.status).toBe('pending');
      await page.screenshot({ path: `${shots}/macros-applied-${lang}.png`, fullPage: true });

      // Deleting the folder keeps its replies, outside any folder.
      await page.goto('/templates');
      const named = page.getByTestId('template-folder-group').filter({ hasText: folder });
      await named.getByTestId('folder-delete').click();
      await expect(page.getByTestId('folder-title').filter({ hasText: folder })).toHaveCount(0);
      await expect(page.locator(`[data-testid="template-row"][data-shortcut="${shortcut}"]`)).toHaveCount(1);
    });

    test(`shows channel and answered badges, Complaints, and a date range (${lang})`, async ({ page, request }) => {
      const n = Date.now() % 100000;
      const handle = `rows_${lang}_${n}`;
      await customerPosts(
        request,
        handle,
        'Hugo Bernard',
        '@acme_sav Ma commande est arrivée incomplète, il manque deux articles et personne ne répond à mes e-mails depuis lundi, que faire ?',
      );
      await signIn(page);
      await page.getByTestId('inbox-search').fill(handle);
      const row = page.getByTestId('case-row').filter({ hasText: `@${handle}` });
      await expect(row).toBeVisible({ timeout: 30_000 });
      await expect(row.getByTestId('case-channel')).toContainText(labels[lang].public);
      await expect(row.getByTestId('case-answered')).toContainText(labels[lang].unanswered);
      // The list refetches in the background (a row can be re-rendered mid-capture): the page is captured.
      await page.screenshot({ path: `${shots}/inbox-row-unanswered-${lang}.png` });

      // Date range: today finds it, from tomorrow does not.
      await page.getByTestId('filter-from').fill(day(0));
      await page.getByTestId('filter-to').fill(day(0));
      await expect(row).toBeVisible();
      await page.getByTestId('filter-from').fill(day(1));
      await page.getByTestId('filter-to').fill(day(2));
      await expect(page.getByTestId('inbox-empty')).toBeVisible();
      await page.getByTestId('filter-from').fill('');
      await page.getByTestId('filter-to').fill('');
      await expect(row).toBeVisible();

      // Answered once the brand replies.
      await row.click();
      await page.getByTestId('reply-input').fill('Nous vérifions votre commande tout de suite. ^A');
      await page.getByTestId('reply-send').click();
      await expect(page.locator('[data-testid="message"][data-direction="outbound"]')).toHaveCount(1);
      await page.goto(`/?q=${handle}`);
      await expect(row.getByTestId('case-answered')).toHaveAttribute('data-answered', 'true');
      await expect(row.getByTestId('case-answered')).toContainText(labels[lang].answered);
      await page.screenshot({ path: `${shots}/inbox-rows-${lang}.png` });

      // Complaints: a view with its count, agreeing with its list.
      await expect(page.getByTestId('view-complaints')).toContainText(labels[lang].complaints);
      const counts = (await (await page.request.get('/api/cases/overview')).json()) as {
        counts: { complaints: number };
      };
      const listed = (await (await page.request.get('/api/cases?view=complaints&limit=200')).json()) as {
        cases: unknown[];
      };
      expect(listed.cases.length).toBe(counts.counts.complaints);
      await page.getByTestId('inbox-search').fill('');
      await page.getByTestId('view-complaints').click();
      await expect(page).toHaveURL(/view=complaints/);
      await expect(page.getByTestId('view-count-complaints')).toHaveText(String(counts.counts.complaints));

      // On a phone, the preview runs over several lines.
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`/?q=${handle}`);
      const phonePreview = row.getByTestId('case-preview-phone');
      await expect(phonePreview).toBeVisible();
      const box = await phonePreview.boundingBox();
      expect(box!.height).toBeGreaterThan(30);
      await page.screenshot({ path: `${shots}/inbox-phone-${lang}.png` });
    });
  });
}
