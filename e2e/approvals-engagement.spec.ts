import { expect, test, type Browser } from '@playwright/test';
import { agentPassword, customerPosts, ensureAgent, openCaseOf, resolveCases, shots, signInAs } from './helpers.ts';
import { E2E } from './settings.ts';

const trainee = { email: 'tom.stagiaire@acme.test', name: 'Tom Stagiaire' };

test.use({ viewport: { width: 1366, height: 900 } });

test.beforeAll(() => ensureAgent(trainee.email, trainee.name, 'trainee'));

test.afterEach(async ({ page }) => {
  await resolveCases(page, ['appr_', 'like_']);
});

async function pages(browser: Browser, locale: string) {
  const traineeContext = await browser.newContext({ locale, viewport: { width: 1366, height: 900 } });
  const leadContext = await browser.newContext({ locale, viewport: { width: 1366, height: 900 } });
  const traineePage = await traineeContext.newPage();
  const leadPage = await leadContext.newPage();
  await signInAs(traineePage, trainee.email, agentPassword);
  await signInAs(leadPage, E2E.admin.email, E2E.admin.password);
  return {
    traineePage,
    leadPage,
    close: async () => {
      await traineeContext.close();
      await leadContext.close();
    },
  };
}

for (const lang of ['en', 'fr'] as const) {
  const locale = lang === 'en' ? 'en-GB' : 'fr-FR';
  const l = {
    en: {
      sendForApproval: 'Send for approval',
      waiting: 'Waiting for approval',
      nav: 'Waiting for approval',
      approvedEdited: 'Edited and approved by Admin',
      delivered: 'Delivered',
      rejectedBy: 'Rejected by Admin',
    },
    fr: {
      sendForApproval: 'Envoyer pour validation',
      waiting: 'En attente de validation',
      nav: 'À valider',
      approvedEdited: 'Modifiée et validée par Admin',
      delivered: 'Publié',
      rejectedBy: 'Refusée par Admin',
    },
  }[lang];

  test(`a trainee's reply waits for a lead, who edits and approves it (${lang})`, async ({ browser, request }) => {
    const handle = `appr_${lang}_${Date.now() % 100000}`;
    await customerPosts(request, handle, 'Inès Moreau', '@acme_sav ma commande 55120 est bloquée depuis une semaine');
    const { traineePage, leadPage, close } = await pages(browser, locale);
    try {
      await openCaseOf(traineePage, handle);
      await expect(traineePage.getByTestId('reply-send')).toHaveText(l.sendForApproval);
      await traineePage.getByTestId('reply-input').fill('on regarde ça');
      await traineePage.getByTestId('reply-send').click();
      const pending = traineePage.locator('[data-testid="message"][data-direction="outbound"]').last();
      await expect(pending).toHaveAttribute('data-delivery-status', 'pending_approval');
      await expect(pending.getByTestId('delivery-status')).toHaveText(l.waiting);
      await traineePage.screenshot({ path: `${shots}/approvals-trainee-${lang}.png`, fullPage: true });

      // The lead sees the count in the header, then the queue, and edits before approving.
      await expect(leadPage.getByTestId('nav-approvals')).toContainText(l.nav);
      await expect(leadPage.getByTestId('approvals-count')).toBeVisible();
      await leadPage.getByTestId('nav-approvals').click();
      const item = leadPage.getByTestId('approval-item').filter({ hasText: `@${handle}` });
      await expect(item).toBeVisible();
      await expect(item.getByTestId('approval-text')).toHaveText('on regarde ça');
      await leadPage.screenshot({ path: `${shots}/approvals-queue-${lang}.png`, fullPage: true });
      await item.getByTestId('approval-edit').click();
      await item
        .getByTestId('approval-edit-input')
        .fill('Bonjour Inès, nous vérifions votre commande 55120 et revenons vers vous par message privé. ^TS');
      await item.screenshot({ path: `${shots}/approvals-edit-${lang}.png` });
      await item.getByTestId('approval-approve').click();
      await expect(item).toHaveCount(0);

      // The edited reply goes out through the outbox; the trainee sees it delivered, and by whom approved.
      await expect(pending).toHaveAttribute('data-delivery-status', 'sent', { timeout: 30_000 });
      await expect(pending).toContainText('Bonjour Inès, nous vérifions');
      await expect(pending.getByTestId('approval-notice')).toContainText(l.approvedEdited);
      await expect(pending.getByTestId('delivery-status')).toContainText(l.delivered);
      await expect(traineePage.getByTestId('case-history')).toContainText(
        lang === 'en' ? 'Reply edited and approved' : 'Réponse modifiée et validée',
      );
      await traineePage.screenshot({ path: `${shots}/approvals-case-${lang}.png`, fullPage: true });
    } finally {
      await close();
    }
  });
}

test('a lead rejects with a comment the trainee reads on the case (en)', async ({ browser, request }) => {
  const handle = `appr_rej_${Date.now() % 100000}`;
  await customerPosts(request, handle, 'Noah Petit', '@acme_sav your app logs me out all the time');
  const { traineePage, leadPage, close } = await pages(browser, 'en-GB');
  try {
    await openCaseOf(traineePage, handle);
    await traineePage.getByTestId('reply-input').fill('lol restart it');
    await traineePage.getByTestId('reply-send').click();
    const pending = traineePage.locator('[data-testid="message"][data-direction="outbound"]').last();
    await expect(pending).toHaveAttribute('data-delivery-status', 'pending_approval');

    // The lead decides from the case itself.
    await openCaseOf(leadPage, handle);
    const review = leadPage.locator('[data-testid="message"][data-direction="outbound"]').last();
    await review.getByTestId('approval-reject').click();
    await review
      .getByTestId('approval-comment-input')
      .fill('Too casual. Apologise, and ask for the app version by DM.');
    await review.getByTestId('approval-reject-confirm').click();
    await expect(review).toHaveAttribute('data-delivery-status', 'rejected');

    await expect(pending).toHaveAttribute('data-delivery-status', 'rejected');
    await expect(pending.getByTestId('approval-notice')).toContainText('Rejected by Admin');
    await expect(pending.getByTestId('approval-notice')).toContainText('Too casual. Apologise');
    await expect(pending.getByTestId('delivery-status')).toHaveText('Not sent: rejected');
    await traineePage.screenshot({ path: `${shots}/approvals-rejected-en.png`, fullPage: true });
  } finally {
    await close();
  }
});

for (const lang of ['en', 'fr'] as const) {
  const locale = lang === 'en' ? 'en-GB' : 'fr-FR';
  const l = {
    en: { waiting: "Repost waiting for a lead's approval", reposted: 'Reposted', rejected: 'Rejected by Admin' },
    fr: {
      waiting: "Republication en attente de l'accord d'un responsable",
      reposted: 'Republiée',
      rejected: 'Refusé par Admin',
    },
  }[lang];

  test(`a trainee's repost waits for a lead, who approves it; a like is rejected (${lang})`, async ({
    browser,
    request,
  }) => {
    const handle = `appr_e${lang}${Date.now() % 100000}`;
    await customerPosts(request, handle, 'Nora Petit', '@acme_sav Livraison en avance et emballage parfait, bravo !');
    const { traineePage, leadPage, close } = await pages(browser, locale);
    try {
      await openCaseOf(traineePage, handle);
      const inbound = traineePage.locator('[data-testid="message"][data-direction="inbound"]').first();
      await inbound.getByTestId('engage-repost').click();
      await expect(inbound.getByTestId('engagement-repost-waiting')).toHaveText(l.waiting);
      await expect(inbound.getByTestId('engage-repost')).toBeDisabled();
      await inbound.getByTestId('engage-like').click();
      await expect(inbound.getByTestId('engagement-like')).toHaveAttribute('data-status', 'pending_approval');
      await inbound.screenshot({ path: `${shots}/engagement-trainee-waiting-${lang}.png` });

      await leadPage.getByTestId('nav-approvals').click();
      const repost = leadPage
        .getByTestId('engagement-approval-item')
        .filter({ hasText: `@${handle}` })
        .and(leadPage.locator('[data-kind="repost"]'));
      const like = leadPage
        .getByTestId('engagement-approval-item')
        .filter({ hasText: `@${handle}` })
        .and(leadPage.locator('[data-kind="like"]'));
      await expect(repost).toBeVisible();
      await expect(like).toBeVisible();
      await leadPage.screenshot({ path: `${shots}/engagement-approvals-queue-${lang}.png`, fullPage: true });
      await repost.getByTestId('engagement-approval-approve').click();
      await expect(repost).toHaveCount(0);
      await like.getByTestId('engagement-approval-reject').click();
      await like.getByTestId('engagement-approval-comment').fill('Pas de J’aime sur ce compte, merci.');
      await like.getByTestId('engagement-approval-reject-confirm').click();
      await expect(like).toHaveCount(0);

      // The trainee sees the repost done on X and why the like was refused.
      await expect(inbound.getByTestId('engagement-repost')).toHaveText(l.reposted, { timeout: 30_000 });
      await expect(inbound.getByTestId('engagement-like-rejected')).toContainText(l.rejected);
      await expect(inbound.getByTestId('engagement-like-rejected')).toContainText('Pas de J’aime sur ce compte');
      await inbound.screenshot({ path: `${shots}/engagement-trainee-decided-${lang}.png` });
    } finally {
      await close();
    }
  });
}

// After the trainee test: once X refused a like on the channel, Like is no longer offered there.
for (const lang of ['en', 'fr'] as const) {
  test.describe(`likes and reposts (${lang})`, () => {
    test.use({ locale: lang === 'en' ? 'en-GB' : 'fr-FR' });

    test(`reposts praise once and shows X's refusal of likes (${lang})`, async ({ page, request }) => {
      const handle = `like_${lang}_${Date.now() % 100000}`;
      await customerPosts(request, handle, 'Hugo Bernard', '@acme_sav merci, réparation parfaite et rapide !');
      await signInAs(page, E2E.admin.email, E2E.admin.password);
      await openCaseOf(page, handle);
      const inbound = page.locator('[data-testid="message"][data-direction="inbound"]').first();
      await inbound.getByTestId('engage-repost').click();
      await expect(inbound.getByTestId('engagement-repost')).toHaveAttribute('data-status', 'done', {
        timeout: 30_000,
      });
      await expect(inbound.getByTestId('engagement-repost')).toHaveText(lang === 'en' ? 'Reposted' : 'Republiée');
      // The sandbox's plan refuses likes: the first try says why, then Like is no longer offered on the channel.
      const like = inbound.getByTestId('engage-like');
      if ((await like.count()) > 0) {
        await like.click();
        await expect(inbound.getByTestId('engagement-like-refused')).toContainText(
          lang === 'en' ? 'does not allow likes' : 'ne permet pas d',
          { timeout: 30_000 },
        );
      }
      await page.reload();
      await expect(inbound.getByTestId('engagement-repost')).toHaveAttribute('data-status', 'done');
      await expect(inbound.getByTestId('engage-like')).toHaveCount(0);
      // Asking again for the repost changes nothing: one repost per post.
      const response = await page.request.get(`/api/cases?view=all&q=${handle}`);
      const { cases } = (await response.json()) as { cases: { id: string }[] };
      const detail = (await (await page.request.get(`/api/cases/${cases[0]!.id}`)).json()) as {
        messages: { id: string; direction: string }[];
      };
      const messageId = detail.messages.find((m) => m.direction === 'inbound')!.id;
      const again = await page.request.post(`/api/messages/${messageId}/engagements`, { data: { kind: 'repost' } });
      expect(again.status()).toBe(200);
      await expect(page.getByTestId('case-history')).toContainText(
        lang === 'en' ? 'Post reposted' : 'Publication republiée',
      );
      await inbound.screenshot({ path: `${shots}/engagement-${lang}.png` });
      await page.screenshot({ path: `${shots}/engagement-case-${lang}.png`, fullPage: true });
    });
  });
}
