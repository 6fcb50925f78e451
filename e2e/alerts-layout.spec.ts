import { expect, test, type Browser, type Page } from '@playwright/test';
import { customerPosts, resolveCases, shots, signIn } from './helpers.ts';

type Language = 'en' | 'fr';
const locales: Record<Language, string> = { en: 'en-GB', fr: 'fr-FR' };

const texts = {
  en: { newP1: 'New P1 case', assigned: 'A case was assigned to you', resolved: 'Case resolved.', undo: 'Undo' },
  fr: {
    newP1: 'Nouveau dossier P1',
    assigned: 'Un dossier vous a été attribué',
    resolved: 'Dossier résolu.',
    undo: 'Annuler',
  },
};

/** Records every desktop notification the page creates, so the test can read what the agent would see. */
function recordNotifications() {
  const Original = window.Notification;
  const seen: { title: string; body: string }[] = [];
  (window as unknown as { __notifications: typeof seen }).__notifications = seen;
  class Recorded extends Original {
    constructor(title: string, options?: NotificationOptions) {
      seen.push({ title, body: options?.body ?? '' });
      super(title, options);
    }
  }
  Object.defineProperty(Recorded, 'permission', { get: () => Original.permission });
  Object.defineProperty(Recorded, 'requestPermission', { value: Original.requestPermission.bind(Original) });
  window.Notification = Recorded;
}

async function notificationsSeen(page: Page) {
  return page.evaluate(
    () => (window as unknown as { __notifications: { title: string; body: string }[] }).__notifications,
  );
}

async function newDesk(browser: Browser, language: Language, viewport = { width: 1280, height: 860 }) {
  const context = await browser.newContext({ locale: locales[language], viewport, permissions: ['notifications'] });
  await context.addInitScript(recordNotifications);
  const page = await context.newPage();
  await signIn(page);
  return { context, page };
}

for (const language of ['en', 'fr'] as const) {
  test(`alerts (${language}): tab title count, desktop notifications for a P1 and an assignment, undo after resolve`, async ({
    browser,
  }) => {
    const { context, page } = await newDesk(browser, language);
    const l = texts[language];
    const stamp = Date.now() % 100000;
    const p1Handle = `alp${language}${stamp}`;
    const mineHandle = `alm${language}${stamp}`;
    try {
      await expect(page.locator('[data-realtime-status="live"]')).toBeVisible();
      await expect(page.getByTestId('desktop-permission')).toHaveCount(0);

      // A verified big account reporting an outage: triage makes it P1 and the agent is told at once.
      await customerPosts(
        page.request,
        p1Handle,
        { name: 'Zoé Lambert', followersCount: 250_000, verified: true },
        '@acme_sav your app is down again, total outage, I cannot pay anything, this is urgent, I want a refund now!',
      );
      await expect
        .poll(async () => (await notificationsSeen(page)).filter((n) => n.title === l.newP1).map((n) => n.body))
        .toContainEqual(expect.stringContaining('Zoé Lambert'));

      // The tab title counts the new work waiting (unassigned + mine).
      await expect.poll(() => page.title()).toMatch(/^\(\d+\+?\) (.+ · )?Guichet$/);

      // Someone else gives a case to this agent: a desktop notification says so.
      await customerPosts(page.request, mineHandle, 'Hugo Petit', '@acme_sav where is my parcel? order 4412');
      const session = (await (await page.request.get('/api/auth/session')).json()) as { agent: { id: string } };
      let caseId = '';
      await expect
        .poll(async () => {
          const list = (await (await page.request.get(`/api/cases?view=all&q=${mineHandle}`)).json()) as {
            cases: { id: string }[];
          };
          caseId = list.cases[0]?.id ?? '';
          return caseId;
        })
        .not.toBe('');
      const assigned = await page.request.post(`/api/cases/${caseId}/assignment`, {
        data: { agentId: session.agent.id },
      });
      expect(assigned.ok()).toBe(true);
      await expect
        .poll(async () => (await notificationsSeen(page)).filter((n) => n.title === l.assigned).map((n) => n.body))
        .toContainEqual(expect.stringContaining('Hugo Petit'));

      // Resolve shows a toast with Undo; Undo puts the case back open.
      await page.goto(`/cases/${caseId}`);
      await page.getByTestId('status-resolved').click();
      const toast = page.getByTestId('undo-toast');
      await expect(toast).toContainText(l.resolved);
      await page.screenshot({ path: `${shots}/alerts-undo-toast-${language}.png` });
      await toast.getByTestId('undo-button').click();
      await expect(page.getByTestId('status-resolved')).toBeVisible();
      const restored = (await (await page.request.get(`/api/cases/${caseId}`)).json()) as { case: { status: string } };
      expect(restored.case.status).toBe('open');
    } finally {
      await resolveCases(page, [p1Handle, mineHandle]);
      await context.close();
    }
  });

  test(`phone menu (${language}) at 390×844 reaches every section`, async ({ browser }) => {
    const { context, page } = await newDesk(browser, language, { width: 390, height: 844 });
    try {
      await expect(page.getByTestId('nav-settings')).toBeHidden();
      await page.getByTestId('nav-burger').click();
      const drawer = page.getByTestId('nav-drawer');
      for (const key of ['inbox', 'calendar', 'incidents', 'reports', 'settings', 'admin', 'profile']) {
        await expect(page.getByTestId(`drawer-${key}`)).toBeVisible();
      }
      for (const key of ['channels', 'sla', 'absence', 'greetings', 'surveys', 'rules', 'templates', 'staffing']) {
        await expect(page.getByTestId(`drawer-settings-${key}`)).toBeVisible();
      }
      await page.screenshot({ path: `${shots}/phone-menu-${language}.png` });
      await page.getByTestId('drawer-settings-surveys').click();
      await expect(page).toHaveURL(/\/surveys$/);
      await expect(drawer).toBeHidden();
      await page.screenshot({ path: `${shots}/phone-surveys-${language}.png` });
    } finally {
      await context.close();
    }
  });
}

test('the French header fits on one line at 1024 px; Settings groups the settings screens', async ({ browser }) => {
  const { context, page } = await newDesk(browser, 'fr', { width: 1024, height: 768 });
  try {
    const header = page.locator('header');
    const signOut = page.getByTestId('sign-out');
    await expect(signOut).toHaveText('Se déconnecter');
    // One line: every header item sits within the 56 px bar, none is wrapped onto a second line or clipped.
    const line = await header.evaluate((element) => {
      const bar = element.getBoundingClientRect();
      const items = Array.from(element.querySelectorAll<HTMLElement>('a, button, [role="status"]')).filter(
        (item) => item.offsetParent !== null,
      );
      return {
        barHeight: bar.height,
        tallest: Math.max(...items.map((item) => item.getBoundingClientRect().height)),
        outside: items.filter((item) => {
          const box = item.getBoundingClientRect();
          return box.top < bar.top || box.bottom > bar.bottom || box.right > bar.right + 0.5;
        }).length,
        clipped: items.filter((item) => item.scrollWidth > item.clientWidth + 1).length,
      };
    });
    expect(line.barHeight).toBe(56);
    expect(line.tallest).toBeLessThanOrEqual(32);
    expect(line.outside).toBe(0);
    expect(line.clipped).toBe(0);
    await page.screenshot({ path: `${shots}/header-fr-1024.png` });

    await page.getByTestId('nav-settings').click();
    await expect(page.getByTestId('settings-nav')).toBeVisible();
    const side = page.getByTestId('settings-nav');
    for (const key of ['greetings', 'surveys', 'staffing']) {
      await expect(side.getByTestId(`settings-nav-${key}`)).toBeVisible();
    }
    await side.getByTestId('settings-nav-staffing').click();
    await expect(page).toHaveURL(/\/staffing$/);
    await page.screenshot({ path: `${shots}/settings-staffing-fr-1024.png` });
  } finally {
    await context.close();
  }
});
