import Database from 'better-sqlite3';
import { expect, test, type Page } from '@playwright/test';
import { customerPosts, resolveCases, shots, signIn } from './helpers.ts';
import { E2E } from './settings.ts';

test.use({ viewport: { width: 1366, height: 900 } });

test.afterEach(async ({ page }) => {
  await resolveCases(page, ['split_', 'long_']);
});

/** How many messages the long case holds (one real post, the rest written into the desk's database). */
const LONG_CASE = 2_000;

interface CaseRow {
  id: string;
  messageCount: number;
}

/** The customer's case once the desk has their posts (the sandbox streams mentions within seconds). */
async function caseOf(page: Page, handle: string, messages: number): Promise<CaseRow> {
  let found: CaseRow | undefined;
  await expect
    .poll(
      async () => {
        const response = await page.request.get(`/api/cases?view=all&q=${handle}&limit=5`);
        const { cases } = (await response.json()) as { cases: CaseRow[] };
        found = cases.find((c) => c.messageCount >= messages);
        return found !== undefined;
      },
      { timeout: 60_000 },
    )
    .toBe(true);
  return found!;
}

/**
 * Writes `count - 1` earlier messages into the case's conversation, straight into the desk's SQLite file
 * (bounded: one transaction), copied from the customer's real post so they read like it.
 */
function seedEarlierMessages(caseId: string, count: number): void {
  const db = new Database(`${E2E.dataDir}/guichet.db`);
  db.pragma('busy_timeout = 10000');
  try {
    const real = db
      .prepare(
        `select m.* from messages m join case_conversations cc on cc.conversation_id = m.conversation_id
         where cc.case_id = ? order by m.created_at limit 1`,
      )
      .get(caseId) as Record<string, unknown>;
    const columns = Object.keys(real);
    const insert = db.prepare(
      `insert into messages (${columns.join(', ')}) values (${columns.map((c) => `@${c}`).join(', ')})`,
    );
    const first = Number(real.created_at) - count * 60_000;
    db.transaction(() => {
      for (let i = 1; i < count; i++) {
        insert.run({
          ...real,
          id: `seed-${caseId}-${String(i).padStart(5, '0')}`,
          external_id: `seed-${caseId}-${i}`,
          text: `Seeded message number ${i} about an old order`,
          url: null,
          raw: null,
          created_at: first + i * 60_000,
          recorded_at: first + i * 60_000,
        });
      }
      db.prepare('update cases set message_count = ? where id = ?').run(count, caseId);
    })();
  } finally {
    db.close();
  }
}

const copy = {
  en: { merged: 'merged', start: 'Start of the case' },
  fr: { merged: 'fusionné', start: 'Début du dossier' },
} as const;

for (const lang of ['en', 'fr'] as const) {
  test.describe(`split and merge (${lang})`, () => {
    test.use({ locale: lang === 'en' ? 'en-GB' : 'fr-FR' });

    test(`splits a case at a message, then merges it back (${lang})`, async ({ page, request }) => {
      const handle = `split_${lang}_${Date.now() % 100000}`;
      await signIn(page);
      await customerPosts(request, handle, 'Nora Bel', '@acme_sav my parcel 5512 is late');
      await caseOf(page, handle, 1);
      await customerPosts(request, handle, 'Nora Bel', '@acme_sav other topic: the app crashes at login');
      await customerPosts(request, handle, 'Nora Bel', '@acme_sav the app crashed again');
      const original = await caseOf(page, handle, 3);

      await page.goto(`/cases/${original.id}`);
      const messages = page.getByTestId('message');
      await expect(messages).toHaveCount(3);
      // The first message cannot start a new case; the second can.
      await expect(messages.nth(0).getByTestId('split-here')).toHaveCount(0);
      await messages.nth(1).getByTestId('split-here').click();
      await page.screenshot({ path: `${shots}/case-split-confirm-${lang}.png` });
      await page.getByTestId('split-confirm').click();

      await expect(page).not.toHaveURL(new RegExp(original.id));
      await expect(page.getByTestId('split-from')).toBeVisible();
      await expect(messages).toHaveCount(2);
      await expect(messages.nth(0)).toContainText('the app crashes at login');
      await page.screenshot({ path: `${shots}/case-split-new-${lang}.png`, fullPage: true });
      const splitCaseUrl = page.url();

      // The other customer's case is refused, with a reason.
      const other = `split_o${lang}_${Date.now() % 100000}`;
      await customerPosts(request, other, 'Omar T', '@acme_sav hello');
      const otherCase = await caseOf(page, other, 1);
      const refused = await page.request.post(`${splitCaseUrl.replace(/.*\/cases\//, '/api/cases/')}/merge`, {
        data: { absorbedCaseId: otherCase.id },
      });
      expect(refused.status()).toBe(422);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('merge.different_customers');

      await page.getByTestId('merge-open').click();
      const candidate = page.getByTestId('merge-candidate').filter({ hasText: 'parcel 5512' });
      await expect(candidate).toHaveCount(1);
      await candidate.getByRole('radio').check();
      await page.screenshot({ path: `${shots}/case-merge-dialog-${lang}.png` });
      await page.getByTestId('merge-confirm').click();
      await expect(messages).toHaveCount(3);
      await expect(messages.nth(0)).toContainText('parcel 5512');
      await expect(page.getByText(new RegExp(copy[lang].merged, 'i')).first()).toBeVisible();
      await page.screenshot({ path: `${shots}/case-merged-${lang}.png`, fullPage: true });

      await page.goto(`/cases/${original.id}`);
      await expect(page.getByTestId('merged-banner')).toBeVisible();
      await page.getByTestId('merged-link').click();
      await expect(page).toHaveURL(splitCaseUrl);
    });

    test(`scrolls a ${LONG_CASE}-message case smoothly and still replies (${lang})`, async ({ page, request }) => {
      test.setTimeout(300_000);
      const handle = `long_${lang}_${Date.now() % 100000}`;
      await signIn(page);
      await customerPosts(request, handle, 'Lou Long', '@acme_sav still waiting for order 7788');
      const theCase = await caseOf(page, handle, 1);
      seedEarlierMessages(theCase.id, LONG_CASE);

      await page.goto(`/cases/${theCase.id}`);
      const messages = page.getByTestId('message');
      await expect(messages.last()).toContainText('order 7788');
      const scroller = page.getByTestId('message-scroller');
      // The page holds a window of the thread, not the thread.
      expect(await messages.count()).toBeLessThan(60);
      await expect(page.getByTestId('reply-input')).toBeInViewport();

      // Up to the first message: each time the top is reached the next earlier page loads (20 pages).
      const frames: number[] = [];
      for (let round = 0; round < 60; round++) {
        if (await page.getByTestId('thread-start').isVisible()) break;
        const before = await page.getByTestId('message').first().getAttribute('data-message-id');
        frames.push(
          await scroller.evaluate(async (element) => {
            // A few wheel-like steps up, one per frame (the slowest is kept, over the slowest idle frame
            // measured just before: the machine's own load), then straight to the top.
            let idle = 1;
            let last = performance.now();
            for (let frame = 0; frame < 4; frame++) {
              await new Promise((resolve) => requestAnimationFrame(resolve));
              const now = performance.now();
              idle = Math.max(idle, now - last);
              last = now;
            }
            let slowest = 0;
            for (let step = 0; step < 4 && element.scrollTop > 0; step++) {
              element.scrollTop = Math.max(0, element.scrollTop - 600);
              await new Promise((resolve) => requestAnimationFrame(resolve));
              const now = performance.now();
              slowest = Math.max(slowest, now - last);
              last = now;
            }
            element.scrollTop = 0;
            element.dispatchEvent(new Event('scroll'));
            return slowest / idle;
          }),
        );
        await expect
          .poll(
            async () =>
              (await page.getByText(copy[lang].start).isVisible()) ||
              (await page.getByTestId('message').first().getAttribute('data-message-id')) !== before,
          )
          .toBe(true);
      }
      await expect(page.getByTestId('thread-start')).toBeVisible();
      // The last page came in above the view (which stays put): up once more, to the case's first message.
      await scroller.evaluate((element) => (element.scrollTop = 0));
      await expect(messages.first()).toContainText('Seeded message number 1 about');
      const rendered = await messages.count();
      expect(rendered).toBeLessThan(80);
      frames.sort((a, b) => a - b);
      console.log(
        `[${lang}] ${LONG_CASE} messages: ${rendered} in the DOM at the top; slowest scrolling frame / slowest idle ` +
          `frame, median ${frames[Math.floor(frames.length / 2)]?.toFixed(2)} over ${frames.length} rounds`,
      );
      await expect(page.getByTestId('reply-input')).toBeInViewport();
      await page.screenshot({ path: `${shots}/case-long-top-${lang}.png` });

      await page.getByTestId('reply-input').fill('Thanks for your patience, your order 7788 ships today. ^AD');
      await page.getByTestId('reply-send').click();
      await expect(page.getByTestId('reply-input')).toHaveValue('');
      await scroller.evaluate((element) => (element.scrollTop = element.scrollHeight));
      const sent = page.locator('[data-testid="message"][data-direction="outbound"]');
      await expect(sent.last()).toHaveAttribute('data-delivery-status', 'sent', { timeout: 30_000 });
      await page.screenshot({ path: `${shots}/case-long-sent-${lang}.png` });
    });
  });
}
