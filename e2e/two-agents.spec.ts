import { expect, test } from '@playwright/test';
import { agentPassword, customerPosts, ensureAgent, openCaseOf, resolveCases, shots, signInAs } from './helpers.ts';
import { E2E } from './settings.ts';

const julie = { email: 'julie.dupont@acme.test', name: 'Julie Dupont' };

test.beforeAll(() => ensureAgent(julie.email, julie.name, 'agent'));

test.afterEach(async ({ page }) => {
  await resolveCases(page, ['duo_']);
});

/** F8: two agents, two browsers, one post: they see each other, and only one reply goes out. */
test('two agents on one case see each other, and only one reply goes out', async ({ browser, request }) => {
  const handle = `duo_${Date.now() % 100000}`;
  await customerPosts(request, handle, 'Sacha Girard', '@acme_sav my parcel says delivered but nothing arrived');
  const contextA = await browser.newContext({ locale: 'en-GB', viewport: { width: 1280, height: 860 } });
  const contextB = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 860 } });
  try {
    const admin = await contextA.newPage();
    const other = await contextB.newPage();
    await signInAs(admin, E2E.admin.email, E2E.admin.password);
    await signInAs(other, julie.email, agentPassword);
    await openCaseOf(admin, handle);
    await openCaseOf(other, handle);

    // Each sees the other on the case, then the other typing.
    await expect(admin.getByTestId('presence-bar')).toContainText('Julie Dupont');
    await expect(other.getByTestId('presence-bar')).toContainText('Admin');
    await other.getByTestId('reply-input').fill('Bonjour Sacha, nous ouvrons une enquête auprès du transporteur. ^JD');
    await expect(admin.getByTestId('presence-bar')).toContainText('Julie Dupont is writing a reply');
    await admin.getByTestId('reply-input').fill('Hi Sacha, sorry about this: we are checking with the carrier. ^A');
    await expect(other.getByTestId('presence-bar')).toContainText('Admin');
    await admin.screenshot({ path: `${shots}/two-agents-presence-en.png`, fullPage: true });
    await other.screenshot({ path: `${shots}/two-agents-presence-fr.png`, fullPage: true });

    // Both send the same post an answer: the first wins, the second is told who answered.
    await admin.getByTestId('reply-send').click();
    await expect(admin.locator('[data-testid="message"][data-direction="outbound"]')).toHaveCount(1);
    await other.getByTestId('reply-send').click();
    const collision = other.getByTestId('reply-collision');
    await expect(collision).toBeVisible();
    await expect(collision).toContainText('Admin');
    await expect(other.getByTestId('reply-confirm')).toBeVisible();
    await other.screenshot({ path: `${shots}/two-agents-collision-fr.png`, fullPage: true });

    // Exactly one reply on the case, delivered once; the second agent's draft is still theirs to keep or drop.
    await expect(admin.locator('[data-testid="message"][data-direction="outbound"]')).toHaveAttribute(
      'data-delivery-status',
      'sent',
      { timeout: 30_000 },
    );
    await expect(other.locator('[data-testid="message"][data-direction="outbound"]')).toHaveCount(1);
    await expect(other.getByTestId('reply-input')).toHaveValue(/Bonjour Sacha/);
    const list = (await (await admin.request.get(`/api/cases?view=all&q=${handle}`)).json()) as {
      cases: { id: string }[];
    };
    const detail = (await (await admin.request.get(`/api/cases/${list.cases[0]!.id}`)).json()) as {
      messages: { direction: string; text: string }[];
    };
    const outbound = detail.messages.filter((m) => m.direction === 'outbound');
    expect(outbound.map((m) => m.text)).toEqual(['Hi Sacha, sorry about this: we are checking with the carrier. ^A']);
  } finally {
    await contextA.close();
    await contextB.close();
  }
});
