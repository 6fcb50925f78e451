import { expect, test, type Page } from '@playwright/test';
import { customerPosts, openCaseOf, shots, signInAs } from './helpers.ts';
import { E2E } from './settings.ts';

test.use({ viewport: { width: 1366, height: 900 } });

/** Picks an option in a Mantine Select found by its accessible name. */
async function choose(page: Page, scope: ReturnType<Page['getByTestId']>, label: string | RegExp, option: string) {
  await scope.getByRole('textbox', { name: label }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

test.describe.serial('rules, priority mapping and the triage model (settings screens)', () => {
  const handle = `parcel_${Date.now() % 100000}`;

  test('English: a rule tested on a sample, a loop refused, its template suggested; the mapping; retrain and switch', async ({
    page,
    request,
  }) => {
    test.setTimeout(180_000);
    await signInAs(page, E2E.admin.email, E2E.admin.password);
    const template = await page.request.post('/api/templates', {
      data: {
        name: 'Parcel on its way',
        shortcut: `parcel${Date.now() % 1000}`,
        language: 'en',
        body: 'Hello {{customer.name}}, your parcel is on its way. ^JD',
      },
    });
    expect(template.ok()).toBe(true);

    // Rules live in the Settings area.
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-nav').getByTestId('settings-nav-rules').click();
    await expect(page).toHaveURL(/\/rules/);
    await expect(page.getByTestId('rules-empty')).toBeVisible();

    // A rule: when a message is received, if it mentions a parcel, suggest the saved reply and hold it to P1 SLA.
    await page.getByTestId('rule-new').click();
    const editor = page.getByTestId('rule-editor');
    await page.getByTestId('rule-name').fill('Parcels: fast lane and the parcel reply');
    await page.getByTestId('rule-add-condition').click();
    await page.getByTestId('rule-words').fill('parcel');
    await page.getByTestId('rule-words').press('Enter');
    await choose(page, editor.getByTestId('rule-action').first(), 'Action', 'Suggest a saved reply');
    await choose(
      page,
      editor.getByTestId('rule-action').first(),
      'Suggest a saved reply',
      '/' + (await template.json()).shortcut + ' — Parcel on its way',
    );
    await editor.getByRole('button', { name: 'Add an action' }).click();
    await choose(page, editor.getByTestId('rule-action').nth(1), 'Action', 'Apply an SLA policy');

    await page.getByTestId('rule-sample').fill('@acme_sav where is my parcel? ordered 10 days ago');
    await page.getByTestId('rule-test').click();
    await expect(page.getByTestId('rule-test-verdict')).toContainText('The rule would run');
    await expect(page.getByTestId('rule-test-conditions')).toContainText('Words — holds');
    await page.getByTestId('rule-sample').fill('@acme_sav what are your opening hours?');
    await page.getByTestId('rule-test').click();
    await expect(page.getByTestId('rule-test-verdict')).toContainText('would not run');
    await expect(page.getByTestId('rule-test-conditions')).toContainText('Words — does not hold');
    await page.getByTestId('rule-sample').fill('@acme_sav where is my parcel? ordered 10 days ago');
    await page.getByTestId('rule-test').click();
    await expect(page.getByTestId('rule-test-verdict')).toContainText('The rule would run');
    await page.screenshot({ path: `${shots}/rules-editor-en.png`, fullPage: true });
    await page.getByTestId('rule-save').click();
    await expect(page.getByTestId('rule-row')).toHaveCount(1);
    await expect(page.getByTestId('rules-list')).toContainText('Suggest a saved reply · Apply an SLA policy');

    // A rule that would trigger itself: "when tagged → tag" is refused with a clear message.
    await page.getByTestId('rule-new').click();
    await page.getByTestId('rule-name').fill('Tag the tagged');
    await choose(page, page.getByTestId('rule-editor'), 'When', 'A case is tagged');
    await page.getByTestId('rule-tag-name').fill('again');
    await page.getByTestId('rule-save').click();
    await expect(page.getByTestId('rule-loop')).toContainText('would trigger it again');
    await page.screenshot({ path: `${shots}/rules-loop-en.png`, fullPage: true });
    await page.getByTestId('rule-editor').getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByTestId('rule-row')).toHaveCount(1);
    await page.screenshot({ path: `${shots}/rules-list-en.png`, fullPage: true });

    // The case: the composer shows the suggested reply first; the agent corrects the triage.
    await customerPosts(request, handle, 'Paula Parcel', '@acme_sav where is my parcel? ordered 10 days ago');
    await page.goto('/');
    await openCaseOf(page, handle);
    await expect(page.getByTestId('suggested-template')).toContainText('Parcel on its way', { timeout: 30_000 });
    await page.getByTestId('suggested-template').click();
    await expect(page.getByTestId('reply-input')).toHaveValue(/Hello Paula Parcel, your parcel is on its way/);
    await expect(page.getByTestId('case-triage')).toContainText('SLA');
    // The agent disagrees with the type, whatever the model said.
    const modelSaid = await page.getByTestId('case-triage-type').inputValue();
    await choose(page, page.getByTestId('case-triage'), 'Type', modelSaid === 'Complaint' ? 'Question' : 'Complaint');
    await choose(page, page.getByTestId('case-triage'), 'Priority', 'P1');
    await page.getByTestId('case-triage-correct').click();
    await expect(page.getByTestId('case-triage')).toContainText('the desk learns from this correction');
    await expect(page.getByTestId('case-triage-priority')).toHaveText('P1');
    await page.screenshot({ path: `${shots}/rules-case-en.png`, fullPage: true });

    // The priority mapping: own cue words, tried on the draft before saving.
    await page.goto('/rules?tab=priority');
    await page.getByTestId('policy-words-outage').fill('blinks red');
    await page.getByTestId('policy-words-outage').press('Enter');
    await page.getByTestId('policy-try-text').fill('@acme_sav my box blinks red, nothing works, urgent please');
    await page.getByTestId('policy-try-run').click();
    await expect(page.getByTestId('policy-try-result')).toContainText('outage');
    await expect(page.getByTestId('policy-try-result')).toContainText('P1');
    await page.getByTestId('policy-save').click();
    await expect(page.getByTestId('policy-saved')).toBeVisible();
    await page.screenshot({ path: `${shots}/rules-priority-en.png`, fullPage: true });

    // The model: retrain from the corrections, compare, switch, switch back.
    await page.goto('/rules?tab=model');
    await expect(page.getByTestId('model-labels')).toContainText('1 type corrections, 1 priority corrections');
    await page.getByTestId('model-retrain').click();
    await expect(page.getByTestId('model-metrics')).toBeVisible({ timeout: 90_000 });
    await expect(page.getByTestId('model-metrics')).toContainText('Complaint F1');
    await page.getByTestId('model-activate').click();
    await expect(page.getByTestId('model-in-use')).toContainText('Workspace model of');
    await page.screenshot({ path: `${shots}/rules-model-en.png`, fullPage: true });
    await page.getByTestId('model-switch-back').click();
    await expect(page.getByTestId('model-in-use')).toContainText('Shipped model');
  });

  test('English: a rule whose saved reply was deleted is shown failing with the reason; posts still come in', async ({
    page,
    request,
  }) => {
    test.setTimeout(90_000);
    await signInAs(page, E2E.admin.email, E2E.admin.password);
    const template = await page.request.post('/api/templates', {
      data: { name: 'Soon deleted', shortcut: `gone${Date.now() % 1000}`, language: 'en', body: 'Hello ^JD' },
    });
    const templateId = ((await template.json()) as { id: string }).id;
    const rule = await page.request.post('/api/rules', {
      data: {
        name: 'Suggest the deleted reply',
        event: 'message.received',
        conditions: [],
        actions: [{ kind: 'suggestTemplate', value: { templateId } }],
      },
    });
    expect(rule.status()).toBe(201);
    expect((await page.request.delete(`/api/templates/${templateId}`)).ok()).toBe(true);
    const author = `after_${Date.now() % 100000}`;
    await customerPosts(request, author, 'Ada After', '@acme_sav is anyone there?');
    await page.goto('/rules');
    const failing = page.getByTestId('rule-row').filter({ hasText: 'Suggest the deleted reply' });
    // The rule fails on the next inbound page: reload until the screen shows it.
    await expect(async () => {
      await page.reload();
      await expect(failing.getByTestId('rule-failing')).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 45_000 });
    await expect(failing.getByTestId('rule-failing-error')).toContainText('the template it names no longer exists');
    await page.screenshot({ path: `${shots}/rules-failing-en.png`, fullPage: true });
    // Ingestion went on: the customer's post is a case.
    await page.goto('/');
    await openCaseOf(page, author);
    expect((await page.request.delete(`/api/rules/${((await rule.json()) as { id: string }).id}`)).status()).toBe(204);
  });

  test('French: the three settings tabs and the case panel', async ({ browser }) => {
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    await signInAs(page, E2E.admin.email, E2E.admin.password);
    await page.goto('/rules');
    await expect(page.getByRole('heading', { name: 'Règles et tri' })).toBeVisible();
    await expect(page.getByTestId('rules-list')).toContainText('Suggérer une réponse enregistrée');
    await page.getByTestId('rule-edit').click();
    await page.getByTestId('rule-sample').fill('@acme_sav où est mon colis ? parcel 4512');
    await page.getByTestId('rule-test').click();
    await expect(page.getByTestId('rule-test-verdict')).toContainText("La règle s'appliquerait");
    await page.screenshot({ path: `${shots}/rules-editor-fr.png`, fullPage: true });
    await page.getByTestId('tab-priority').click();
    await page.getByTestId('policy-try-text').fill("@acme_sav ma box clignote, plus d'internet depuis 3 jours");
    await page.getByTestId('policy-try-run').click();
    await expect(page.getByTestId('policy-try-result')).toContainText('Pourquoi');
    await page.screenshot({ path: `${shots}/rules-priority-fr.png`, fullPage: true });
    // Case handling: the lead turns "assign on reply" off, and it stays off after a reload; then back on.
    await page.getByTestId('tab-case-settings').click();
    const assignOnReply = page.getByTestId('case-settings-assign-on-reply');
    await expect(assignOnReply).toBeChecked();
    await assignOnReply.click();
    await page.getByTestId('case-settings-save').click();
    await expect(page.getByTestId('case-settings-saved')).toContainText('Enregistré');
    await page.screenshot({ path: `${shots}/rules-case-settings-fr.png`, fullPage: true });
    await page.reload();
    await expect(page.getByTestId('case-settings-assign-on-reply')).not.toBeChecked();
    await page.getByTestId('case-settings-assign-on-reply').click();
    await page.getByTestId('case-settings-save').click();
    await expect(page.getByTestId('case-settings-saved')).toBeVisible();
    await page.getByTestId('tab-model').click();
    await expect(page.getByTestId('model-metrics').first()).toContainText('Candidat');
    await page.screenshot({ path: `${shots}/rules-model-fr.png`, fullPage: true });
    await page.goto('/');
    await openCaseOf(page, handle);
    await expect(page.getByTestId('case-triage')).toContainText('Tri');
    await expect(page.getByTestId('suggested-templates')).toContainText('Suggéré');
    await page.screenshot({ path: `${shots}/rules-case-fr.png`, fullPage: true });
    await context.close();
  });
});
