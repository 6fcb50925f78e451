import { sharedPath } from './shared-data.ts';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createManualScheduler, createXSandbox, parseCsv, parseTwcsDate, startReplay } from './index.ts';

const TWCS = sharedPath('data', 'twcs', 'twcs_head5000.csv');

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and embedded line breaks', () => {
    const text =
      '\ufeffa,b,c\r\n1,"x, y","he said ""hi"""\n2,"line one\nline two\r\nline three",\n3,plain\rcarriage,"  "\n';
    expect(parseCsv(text)).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', 'he said "hi"'],
      ['2', 'line one\nline two\r\nline three', ''],
      ['3', 'plain\rcarriage', '  '],
    ]);
  });

  it('keeps a last record without a newline and refuses an unclosed quote', () => {
    expect(parseCsv('a,b\n1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(parseCsv('')).toEqual([]);
    expect(() => parseCsv('a\n"open')).toThrow(SyntaxError);
  });

  it('parses X v1.1 dates with their offset', () => {
    expect(new Date(parseTwcsDate('Tue Oct 31 22:10:47 +0000 2017')).toISOString()).toBe('2017-10-31T22:10:47.000Z');
    expect(new Date(parseTwcsDate('Wed Nov 01 01:00:00 +0200 2017')).toISOString()).toBe('2017-10-31T23:00:00.000Z');
  });
});

/** Written for this test in the TWCS layout (not dataset text): two brands, threads, a skewed reply. */
const SMALL = [
  'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id',
  '1,900001,True,Mon Nov 06 10:00:00 +0000 2017,"@AcmeCare my parcel is late, again. ""Tomorrow"" they said",2,',
  '2,AcmeCare,False,Mon Nov 06 10:10:00 +0000 2017,"@900001 Sorry about that! Could you DM us\nthe order number?",3,1',
  '3,900001,True,Mon Nov 06 10:12:00 +0000 2017,@AcmeCare done,,2',
  // The reply below is dated before its parent: it must still play after it.
  '4,900002,True,Mon Nov 06 10:20:00 +0000 2017,@OtherBrand is your app down?,5,',
  '5,OtherBrand,False,Mon Nov 06 10:19:00 +0000 2017,@900002 Not that we know of.,,4',
  '6,AcmeCare,False,Mon Nov 06 11:00:00 +0000 2017,@900003 Thanks for the kind words!,,99',
  '7,900001,True,Mon Nov 06 11:30:00 +0000 2017,@AcmeCare @900002 same problem as you,,',
  '',
].join('\n');

describe('startReplay', () => {
  it('creates users, keeps threads and plays at compressed times', async () => {
    const timer = createManualScheduler('2026-08-20T09:00:00.000Z');
    const sb = createXSandbox({ clock: () => timer.clock() });
    const replay = startReplay(sb, {
      csv: SMALL,
      speed: 60,
      maxGapMs: 60_000,
      scheduler: timer,
      brandUsername: 'acme_sav',
    });
    expect(replay.ourBrand).toBe('AcmeCare');
    expect(replay.progress()).toMatchObject({ total: 7, posted: 0, done: false });

    timer.advance(0);
    expect(replay.progress().posted).toBe(1);
    // 10 minutes of history at 60× = 10 s.
    timer.advance(9_999);
    expect(replay.progress().posted).toBe(1);
    timer.advance(1);
    expect(replay.progress().posted).toBe(2);
    timer.runAll();
    const done = await replay.finished;
    expect(done).toMatchObject({ total: 7, posted: 7, skipped: 0, done: true, orphans: 1 });
    // Total span: 90 minutes of history → 90 s.
    expect(timer.now()).toBe(90_000);

    const brand = sb.findUser('acme_sav')!;
    const customer = sb.findUser('cust_900001')!;
    expect(brand.verified).toBe(true);
    expect(customer.name).toBe('Customer 900001');
    expect(sb.findUser('OtherBrand')?.verified).toBe(true);

    const opener = sb.getTweet(replay.sandboxId('1')!)!;
    expect(opener.text).toBe('@acme_sav my parcel is late, again. "Tomorrow" they said');
    expect(opener.entities.mentions[0]?.id).toBe(brand.id);
    const answer = sb.getTweet(replay.sandboxId('2')!)!;
    expect(answer.authorId).toBe(brand.id);
    expect(answer.inReplyToTweetId).toBe(opener.id);
    expect(answer.text).toBe('@cust_900001 Sorry about that! Could you DM us\nthe order number?');
    const followUp = sb.getTweet(replay.sandboxId('3')!)!;
    expect(followUp.conversationId).toBe(opener.id);
    expect(Date.parse(followUp.createdAt) - Date.parse(opener.createdAt)).toBe(12_000);

    // Skewed reply: played right after its parent, in its thread.
    const skewed = sb.getTweet(replay.sandboxId('5')!)!;
    expect(skewed.inReplyToTweetId).toBe(replay.sandboxId('4'));
    // Parent outside the file: a new thread.
    expect(sb.getTweet(replay.sandboxId('6')!)!.inReplyToTweetId).toBeUndefined();
    // Mentions of customers are anonymised handles and resolve to their accounts.
    const last = sb.getTweet(replay.sandboxId('7')!)!;
    expect(last.text).toBe('@acme_sav @cust_900002 same problem as you');
    expect(last.entities.mentions.map((m) => m.id)).toEqual([brand.id, sb.findUser('cust_900002')!.id]);
  });

  it('filters to our threads, withholds our answers, limits, caps gaps and stops', async () => {
    const timer = createManualScheduler();
    const sb = createXSandbox({ clock: () => timer.clock() });
    const replay = startReplay(sb, {
      csv: SMALL,
      scheduler: timer,
      ourBrand: 'acmecare',
      onlyOurThreads: true,
      ourReplies: false,
      maxGapMs: 1_000,
      speed: 1,
    });
    expect(replay.brandUsername).toBe('AcmeCare');
    timer.runAll();
    const p = await replay.finished;
    // Threads 1-2-3, 6 and 7 (7 is its own thread with no AcmeCare post: excluded).
    expect(p).toMatchObject({ total: 4, posted: 2, skipped: 2, skippedBy: { 'our-reply-withheld': 2 } });
    // Follow-up "3" lost its parent "2" (withheld): it hangs on the nearest played ancestor.
    expect(sb.getTweet(replay.sandboxId('3')!)!.inReplyToTweetId).toBe(replay.sandboxId('1'));
    expect(timer.now()).toBeLessThanOrEqual(3_000);

    const timer2 = createManualScheduler();
    const sb2 = createXSandbox({ clock: () => timer2.clock() });
    const limited = startReplay(sb2, { csv: SMALL, scheduler: timer2, limit: 3 });
    timer2.advance(0);
    limited.stop();
    expect(limited.progress()).toMatchObject({ total: 3, posted: 1, done: true });
    expect(timer2.pending()).toBe(0);
  });

  it('counts duplicates as skipped and truncates over-long text', async () => {
    const long = 'x'.repeat(400);
    const csv = [
      'tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id',
      `1,5,True,Mon Nov 06 10:00:00 +0000 2017,@Acme ${long},,`,
      '2,5,True,Mon Nov 06 10:00:01 +0000 2017,@Acme hello,,',
      '3,5,True,Mon Nov 06 10:00:02 +0000 2017,@Acme hello,,',
      '4,Acme,False,Mon Nov 06 10:00:03 +0000 2017,@5 hi,,2',
    ].join('\n');
    const timer = createManualScheduler();
    const sb = createXSandbox({ clock: () => timer.clock() });
    const replay = startReplay(sb, { csv, scheduler: timer });
    timer.runAll();
    expect(await replay.finished).toMatchObject({ posted: 3, skipped: 1, skippedBy: { duplicate: 1 } });
    expect(sb.getTweet(replay.sandboxId('1')!)!.text.endsWith('…')).toBe(true);
  });

  it('plays the real 5,000-post TWCS slice at high speed with its threads', async () => {
    const csv = readFileSync(TWCS, 'utf8');
    const timer = createManualScheduler();
    const sb = createXSandbox({ clock: () => timer.clock() });
    const replay = startReplay(sb, {
      csv,
      speed: 3600,
      maxGapMs: 5_000,
      scheduler: timer,
      brandUsername: 'acme_sav',
    });
    expect(replay.ourBrand).toBe('ChipotleTweets');
    timer.runAll();
    const p = await replay.finished;
    expect(p.total).toBe(5000);
    expect(p.posted + p.skipped).toBe(5000);
    expect(p.posted).toBeGreaterThan(4900);
    expect(sb.listTweets()).toHaveLength(p.posted);

    const brand = sb.findUser('acme_sav')!;
    const ours = sb.listTweets({ authorId: brand.id });
    expect(ours.length).toBeGreaterThan(190); // ChipotleTweets has 210 posts in the slice
    const replies = sb.listTweets().filter((t) => t.inReplyToTweetId !== undefined);
    expect(replies.length).toBeGreaterThan(3000);
    for (const r of replies.slice(0, 500)) {
      const parent = sb.getTweet(r.inReplyToTweetId!)!;
      expect(parent.conversationId).toBe(r.conversationId);
      expect(BigInt(parent.id) < BigInt(r.id)).toBe(true);
    }
    // Most of our answers reply to a customer who mentioned us, so the desk sees the threads.
    const answered = ours.filter((t) => t.inReplyToTweetId && sb.getTweet(t.inReplyToTweetId)?.authorId !== brand.id);
    expect(answered.length).toBeGreaterThan(150);
    // Every customer is anonymised.
    for (const u of sb.listUsers().filter((x) => !x.verified)) expect(u.username).toMatch(/^cust_\d+$/);
  }, 60_000);
});
