/**
 * The X Activity API events the spec's create enum does not list yet but the contract does (§13.6):
 * replies and quotes of the subscribed user. Called with plain fetch (the contract harness would flag the
 * request as outside the spec's enum); each delivered envelope is still validated against the spec.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, steppingClock } from './contract-kit.ts';
import { createXSandbox, type XSandbox } from './index.ts';

let sb: XSandbox | undefined;
beforeAll(() => api.init());
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

async function readLines(res: Response, n: number, deadlineMs = 3000): Promise<unknown[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const out: unknown[] = [];
  let buffer = '';
  const end = Date.now() + deadlineMs;
  while (out.length < n && Date.now() < end) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    const lines = buffer.split('\r\n');
    buffer = lines.pop()!;
    for (const line of lines) if (line.trim()) out.push(JSON.parse(line));
  }
  await reader.cancel();
  return out;
}

describe('X Activity API: replies and quotes', () => {
  it('delivers post.reply.create and post.quote.create to the replied-to and quoted user', async () => {
    sb = createXSandbox({ clock: steppingClock() });
    const { url } = await sb.listen();
    const brand = sb.createUser({ username: 'acme_support', name: 'Acme' });
    const jo = sb.createUser({ username: 'jo', name: 'Jo' });
    const bearer = sb.issueAppBearer();
    const headers = { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' };
    for (const event_type of ['post.reply.create', 'post.quote.create']) {
      const res = await fetch(`${url}/2/activity/subscriptions`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ event_type, filter: { user_id: brand.user.id } }),
      });
      expect(res.status).toBe(200);
    }
    const stream = await fetch(`${url}/2/activity/stream`, { headers });
    const ours = sb.post(brand.user.id, { text: 'Nouvelle collection' });
    const reply = sb.post(jo.user.id, { text: 'et les tailles ?', inReplyToTweetId: ours.id });
    const quote = sb.post(jo.user.id, { text: 'enfin', quoteTweetId: ours.id });
    const events = (await readLines(stream, 2)) as { data: { event_type: string; payload: { id: string } } }[];
    expect(events.map((e) => [e.data.event_type, e.data.payload.id])).toEqual([
      ['post.reply.create', reply.id],
      ['post.quote.create', quote.id],
    ]);
    for (const e of events) expect(api.validateResponse(e, 'activityStream', 200).errors ?? []).toEqual([]);
  });
});
