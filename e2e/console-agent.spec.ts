import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { customerPosts as postAs, shots, signIn } from './helpers.ts';
import { E2E } from './settings.ts';

const sandboxAdmin = `http://127.0.0.1:${E2E.sandboxPort}/sandbox/admin`;
const adminHeaders = { 'x-sandbox-admin-key': E2E.sandboxAdminKey };

/** A sandbox customer with a full profile (for the contact panel) posts a mention. */
const customerPosts = (request: APIRequestContext, username: string, text: string) =>
  postAs(
    request,
    username,
    { name: 'Léa Martin', description: 'Cycliste, Lyon. <b>bio</b>', followersCount: 1234, verified: true },
    text,
  );

/** A sandbox customer writes to the brand by DM. */
async function customerSendsDm(request: APIRequestContext, username: string, text: string) {
  const idOf = async (name: string) => {
    const ensured = await request.post(`${sandboxAdmin}/users/ensure`, {
      headers: adminHeaders,
      data: { username: name, name },
    });
    expect(ensured.ok()).toBe(true);
    const body = (await ensured.json()) as { data: { user?: { id: string }; id?: string } };
    return body.data.user?.id ?? body.data.id;
  };
  const brandId = await idOf('acme_sav');
  const customerId = await idOf(username);
  const sent = await request.post(`${sandboxAdmin}/users/${customerId}/dms`, {
    headers: adminHeaders,
    data: { toUserId: brandId, text },
  });
  expect(sent.ok()).toBe(true);
}

async function openCaseOf(page: Page, handle: string) {
  await page.getByTestId('inbox-search').fill(handle);
  const row = page
    .getByTestId('case-row')
    .filter({ hasText: `@${handle}` })
    .first();
  await expect(row).toBeVisible({ timeout: 30_000 });
  await row.click();
  await expect(page).toHaveURL(/\/cases\//);
}

/** Picks an option of a Mantine Select / MultiSelect filter by its label. */
async function pickFilter(page: Page, testId: string, option: string) {
  await page.getByTestId(testId).click();
  await page.getByRole('listbox').getByRole('option', { name: option, exact: true }).click();
  await page.keyboard.press('Escape');
}

/**
 * A customer's case found through every new queue filter (type, priority, language, team) and hidden by a
 * filter it does not match. The case's triage (type, priority) is read from the API, not assumed.
 */
async function filtersFindTheCase(
  page: Page,
  handle: string,
  labels: { type: Record<string, string>; language: string; otherLanguage: string; shot: string },
) {
  const row = page.getByTestId('case-row').filter({ hasText: `@${handle}` });
  await page.getByTestId('inbox-search').fill(handle);
  await expect(row).toBeVisible({ timeout: 30_000 });
  const list = async (query: string) =>
    (
      (await (await page.request.get(`/api/cases?view=all&q=${handle}&${query}`)).json()) as {
        cases: { id: string; priority: number | null }[];
      }
    ).cases;
  const [summary] = await list('');
  expect(summary).toBeDefined();
  let type = '';
  for (const candidate of Object.keys(labels.type))
    if ((await list(`type=${candidate}`)).length === 1) type = candidate;
  expect(type).not.toBe('');
  const team = await page.request.post('/api/teams', { data: { name: `Équipe ${handle}` } });
  expect(team.status()).toBe(201);
  const { id: teamId } = (await team.json()) as { id: string };
  const assigned = await page.request.post(`/api/cases/${summary!.id}/assignment`, { data: { teamId } });
  expect(assigned.ok()).toBe(true);
  await page.reload();
  await expect(row).toBeVisible();

  await pickFilter(page, 'filter-type', labels.type[type]!);
  await expect(page).toHaveURL(new RegExp(`type=${type}`));
  await expect(row).toBeVisible();
  if (summary!.priority !== null) {
    await pickFilter(page, 'filter-priority', `P${summary!.priority}`);
    await expect(page).toHaveURL(new RegExp(`priority=${summary!.priority}`));
    await expect(row).toBeVisible();
  }
  await pickFilter(page, 'filter-team', `Équipe ${handle}`);
  await pickFilter(page, 'filter-language', labels.language);
  await expect(row).toBeVisible();
  await page.screenshot({ path: `${shots}/console-inbox-filters-${labels.shot}.png`, fullPage: true });
  // A language the customer did not write in hides the case.
  await pickFilter(page, 'filter-language', labels.otherLanguage);
  await expect(row).toHaveCount(0);
}

test.use({ viewport: { width: 1366, height: 900 } });

// The desk is shared with the other specs: put away the cases this spec opened.
test.afterEach(async ({ page }) => {
  for (const prefix of ['lea_', 'kbd_', 'xss_', 'xssfr_', 'fr_', 'tel_', 'flt_', 'fltfr_', 'awy_']) {
    const response = await page.request.get(`/api/cases?view=all&q=${prefix}&limit=200`);
    if (!response.ok()) continue;
    const { cases } = (await response.json()) as { cases: { id: string }[] };
    if (cases.length)
      await page.request.post('/api/cases/bulk', {
        data: { caseIds: cases.map((c) => c.id), action: { type: 'resolve' } },
      });
  }
});

test.describe('the agent console in English', () => {
  test.use({ locale: 'en-GB' });

  test('works a case: tag, note, status, history, contact panel, composer guards, saved reply', async ({
    page,
    request,
  }) => {
    const handle = `lea_${Date.now() % 100000}`;
    await customerPosts(
      request,
      handle,
      '@acme_sav my bike arrived broken, order 884211, mail me at lea.martin@example.com',
    );
    await signIn(page);
    await page.screenshot({ path: `${shots}/console-inbox-en.png`, fullPage: true });
    await openCaseOf(page, handle);

    // The customer's own personal data in a public post is flagged.
    await expect(page.getByTestId('inbound-personal-data')).toBeVisible();

    await page.getByTestId('tag-input').fill('Broken on arrival');
    await page.getByTestId('tag-input').press('Enter');
    await expect(page.getByTestId('case-tags')).toContainText('Broken on arrival');
    await page.getByTestId('case-notes-input').fill('Carrier claim opened, ref 77');
    await page.getByTestId('case-notes').getByRole('button', { name: 'Add note' }).click();
    await expect(page.getByTestId('case-notes').getByTestId('note')).toContainText('Carrier claim opened');
    await page.getByTestId('status-pending').click();
    await expect(page.getByTestId('case-history')).toContainText('Status: Open → Pending');
    await expect(page.getByTestId('case-history')).toContainText('Tagged Broken on arrival');

    const contact = page.getByTestId('contact-panel');
    await expect(contact).toContainText(`@${handle}`);
    await expect(contact).toContainText('1,234 followers');
    await expect(contact).toContainText('Verified');
    await expect(page.getByTestId('contact-bio')).toHaveText('Cycliste, Lyon. <b>bio</b>');
    await page.getByTestId('contact-notes-input').fill('Prefers email');
    await page.getByTestId('contact-notes').getByRole('button', { name: 'Add note' }).click();
    await expect(page.getByTestId('contact-notes').getByTestId('note')).toContainText('Prefers email');
    await page.screenshot({ path: `${shots}/console-case-en.png`, fullPage: true });
    await contact.screenshot({ path: `${shots}/console-contact-en.png` });

    // Personal data in a public reply: warned, with the DM offer disabled (no DMs in this case).
    const input = page.getByTestId('reply-input');
    await input.fill('Hi Léa, call us on 06 12 34 56 78 or write to sav@acme.test');
    await expect(page.getByTestId('reply-personal-data')).toContainText('phone number');
    await expect(page.getByTestId('reply-move-to-dm')).toBeDisabled();
    await page.getByTestId('reply-personal-data').screenshot({ path: `${shots}/console-composer-warning-en.png` });

    // Over-long public reply: a numbered thread preview, and the send button says it goes out as a thread
    // (sending one: e2e/thread-sending.spec.ts).
    await input.fill('We are so sorry. '.repeat(25));
    await expect(page.getByTestId('reply-thread-preview')).toContainText('1/2');
    await expect(page.getByTestId('reply-send')).toHaveText('Send the thread (2 posts)');
    await expect(page.getByTestId('reply-counter')).toContainText('/ 280');

    // A saved reply inserted with "/" fills the customer's name and the agent's initials.
    const created = await page.request.post('/api/templates', {
      data: {
        name: 'Sorry',
        shortcut: 'sorry',
        language: 'en',
        body: 'Hello {{customer.firstName}}, so sorry! {{agent.initials}}',
      },
    });
    expect(created.status()).toBe(201);
    await page.reload();
    await input.fill('/sor');
    await expect(page.getByTestId('template-option')).toBeVisible();
    await input.press('Enter');
    await expect(input).toHaveValue('Hello Léa, so sorry! ^A');
    await page.screenshot({ path: `${shots}/console-composer-en.png`, fullPage: true });
    await input.press('Control+Enter');
    await expect(page.locator('[data-testid="message"][data-direction="outbound"]')).toBeVisible();
  });

  test('moves in the queue with the keyboard and resolves in bulk', async ({ page, request }) => {
    const handle = `kbd_${Date.now() % 100000}`;
    await customerPosts(request, handle, '@acme_sav question about my invoice');
    await signIn(page);
    await page.getByTestId('inbox-search').fill(handle);
    await expect(page.getByTestId('case-row')).toHaveCount(1, { timeout: 30_000 });
    await page.getByTestId('inbox-search').blur();
    await page.keyboard.press('?');
    await expect(page.getByRole('dialog')).toContainText('Keyboard shortcuts');
    await page.screenshot({ path: `${shots}/console-shortcuts-en.png` });
    await page.keyboard.press('Escape');
    await page.keyboard.press('a');
    await expect(page.getByTestId('case-assignee')).toHaveText('Admin');
    await page.getByTestId('view-mine').click();
    await expect(page.getByTestId('case-row').filter({ hasText: `@${handle}` })).toBeVisible();
    await page.getByTestId('case-select').first().check();
    await page.getByTestId('bulk-resolve').click();
    await page.getByTestId('view-resolved').click();
    await expect(page.getByTestId('case-row').filter({ hasText: `@${handle}` })).toBeVisible();
    await page.keyboard.press('j');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/cases\//);
    // The case's shortcuts exist once its page has loaded.
    await expect(page.getByTestId('reply-input')).toBeVisible();
    await page.keyboard.press('r');
    await expect(page.getByTestId('reply-input')).toBeFocused();
  });

  test('filters the queue by type, priority, language and team', async ({ page, request }) => {
    const handle = `flt_${Date.now() % 100000}`;
    await customerPosts(request, handle, '@acme_sav my order never arrived and nobody answers, this is unacceptable');
    await signIn(page);
    await filtersFindTheCase(page, handle, {
      type: { complaint: 'Complaint', question: 'Question', praise: 'Praise', other: 'Other' },
      language: 'English',
      otherLanguage: 'German',
      shot: 'en',
    });
  });

  test('shows the desk’s automatic away message as written by Guichet', async ({ page, request }) => {
    // The e2e desk reads DMs at every poll (playwright.config.ts); the margin is for a loaded machine.
    test.setTimeout(240_000);
    const handle = `awy_${Date.now() % 100000}`;
    await signIn(page);
    const started = await page.request.post('/api/absence', {
      data: { kind: 'end_of_day', endsAt: new Date(Date.now() + 3_600_000).toISOString(), channelId: null },
    });
    expect(started.status()).toBe(201);
    const { active } = (await started.json()) as { active: { id: string } | null };
    try {
      await customerSendsDm(request, handle, 'Hello, is anyone there?');
      let caseId = '';
      await expect
        .poll(
          async () => {
            const response = await page.request.get(`/api/cases?view=all&q=${handle}`);
            caseId = ((await response.json()) as { cases: { id: string }[] }).cases[0]?.id ?? '';
            return caseId;
          },
          { timeout: 150_000, intervals: [2_000] },
        )
        .not.toBe('');
      await page.goto(`/cases/${caseId}`);
      const automatic = page.locator('[data-testid="message"][data-direction="outbound"]');
      await expect(async () => {
        await page.reload();
        await expect(automatic.getByTestId('message-author-automatic')).toHaveText('Guichet (automatic)', {
          timeout: 5_000,
        });
      }).toPass({ timeout: 60_000 });
      await automatic.first().screenshot({ path: `${shots}/console-automatic-author-en.png` });
    } finally {
      if (active) await page.request.post(`/api/absence/${active.id}/end`, { data: {} });
    }
  });

  test('shows a customer’s HTML and script as text and runs nothing', async ({ page, request }) => {
    const handle = `xss_${Date.now() % 100000}`;
    await customerPosts(request, handle, '@acme_sav <img src=x onerror=alert(1)> <script>alert(2)</script>');
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await signIn(page);
    await openCaseOf(page, handle);
    const inbound = page.locator('[data-testid="message"][data-direction="inbound"]').first();
    await expect(inbound).toContainText('<img src=x onerror=alert(1)> <script>alert(2)</script>');
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.locator('main script').count()).toBe(0);
    await page.waitForTimeout(500);
    expect(dialogs).toEqual([]);
    await inbound.screenshot({ path: `${shots}/console-xss-en.png` });
  });
});

test.describe('the agent console in French', () => {
  test.use({ locale: 'fr-FR' });

  test('shows the queue, the case and the composer warning in French', async ({ page, request }) => {
    const handle = `fr_${Date.now() % 100000}`;
    await customerPosts(request, handle, '@acme_sav mon vélo est arrivé cassé, commande 884212');
    await signIn(page);
    await expect(page.getByTestId('view-unassigned')).toContainText('Non attribués');
    await page.screenshot({ path: `${shots}/console-inbox-fr.png`, fullPage: true });
    await openCaseOf(page, handle);
    await page.getByTestId('tag-input').fill('Livraison');
    await page.getByTestId('tag-input').press('Enter');
    await page.getByTestId('case-notes-input').fill('Transporteur relancé');
    await page.getByTestId('case-notes').getByRole('button', { name: 'Ajouter la note' }).click();
    await expect(page.getByTestId('case-history')).toContainText('Étiqueté Livraison');
    await page.getByTestId('reply-input').fill('Bonjour Léa, votre carte 4111 1111 1111 1111 ?');
    await expect(page.getByTestId('reply-personal-data')).toContainText('numéro de carte');
    await page.screenshot({ path: `${shots}/console-case-fr.png`, fullPage: true });
    await page.getByTestId('contact-panel').screenshot({ path: `${shots}/console-contact-fr.png` });
  });

  test('shows a customer’s HTML and script as text and runs nothing, in French too', async ({ page, request }) => {
    const handle = `xssfr_${Date.now() % 100000}`;
    await customerPosts(request, handle, '@acme_sav <script>alert("fr")</script> <img src=x onerror=alert(3)> merci');
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await signIn(page);
    // The queue's preview is customer text too.
    const row = page.getByTestId('case-row').filter({ hasText: `@${handle}` });
    await page.getByTestId('inbox-search').fill(handle);
    await expect(row).toContainText('<script>alert("fr")</script>');
    await openCaseOf(page, handle);
    const inbound = page.locator('[data-testid="message"][data-direction="inbound"]').first();
    await expect(inbound).toContainText('<script>alert("fr")</script> <img src=x onerror=alert(3)> merci');
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.locator('main script').count()).toBe(0);
    await page.waitForTimeout(500);
    expect(dialogs).toEqual([]);
    await inbound.screenshot({ path: `${shots}/console-xss-fr.png` });
  });

  test('filters the queue by type, priority, language and team, in French', async ({ page, request }) => {
    const handle = `fltfr_${Date.now() % 100000}`;
    await customerPosts(
      request,
      handle,
      '@acme_sav ma commande n’est jamais arrivée, personne ne répond, c’est inadmissible',
    );
    await signIn(page);
    await filtersFindTheCase(page, handle, {
      type: { complaint: 'Réclamation', question: 'Question', praise: 'Compliment', other: 'Autre' },
      language: 'français',
      otherLanguage: 'allemand',
      shot: 'fr',
    });
  });

  test('is usable on a phone', async ({ page, request }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    const handle = `tel_${Date.now() % 100000}`;
    await customerPosts(request, handle, '@acme_sav colis en retard');
    await signIn(page);
    await openCaseOf(page, handle);
    await expect(page.getByTestId('reply-send')).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${shots}/console-case-phone-fr.png`, fullPage: true });
  });
});
