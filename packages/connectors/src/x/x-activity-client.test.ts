import { createXSandbox, type XSandbox } from '@guichet/x-sandbox';
import { afterEach, describe, expect, it } from 'vitest';
import { createXActivityClient, lineSplitter, reconnectDelayMs } from './x-activity-client.ts';
import { mapXaaEvent, XAA_DESK_SUBSCRIPTIONS, type XaaEnvelope } from './x-activity-events.ts';

let sb: XSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

const texts = (e: XaaEnvelope) => {
  const outcome = mapXaaEvent(e, e.data?.filter?.user_id ?? '');
  return outcome.kind === 'item' ? outcome.item.text : undefined;
};

async function until(condition: () => boolean, deadlineMs = 3000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('X Activity API client', () => {
  it('splits newline-delimited messages across chunks and skips keep-alives', () => {
    const lines: string[] = [];
    const split = lineSplitter((line) => lines.push(line));
    split('{"data":{"a":1}}\r\n\r\n{"da');
    split('ta":{"b":2}}\r');
    split('\n');
    expect(lines).toEqual(['{"data":{"a":1}}', '{"data":{"b":2}}']);
  });

  it('backs off as X asks: short after network errors, longer after HTTP errors and 429', () => {
    expect(reconnectDelayMs(0, undefined)).toBe(250);
    expect(reconnectDelayMs(100, undefined)).toBe(16_000);
    expect(reconnectDelayMs(1, 503)).toBe(10_000);
    expect(reconnectDelayMs(0, 429)).toBe(60_000);
  });

  it('creates the desk’s subscriptions, streams their events, and after a disconnection backfills the gap', async () => {
    sb = createXSandbox();
    const { url } = await sb.listen();
    const brand = sb.createUser({ username: 'acme_sav', name: 'Acme' }).user;
    const jane = sb.createUser({ username: 'jane_doe', name: 'Jane' }).user;
    const client = createXActivityClient({ bearerToken: sb.issueAppBearer(), apiBaseUrl: url });
    for (const s of XAA_DESK_SUBSCRIPTIONS) {
      await client.createSubscription({
        eventType: s.eventType,
        filter: { user_id: brand.id, ...(s.direction ? { direction: s.direction } : {}) },
        tag: 'desk',
      });
    }
    const listed = await client.listSubscriptions();
    expect(listed.map((s) => s.eventType).sort()).toEqual(XAA_DESK_SUBSCRIPTIONS.map((s) => s.eventType).sort());

    const events: XaaEnvelope[] = [];
    const states: string[] = [];
    const stream = client.openStream({
      onEvent: (e) => events.push(e),
      onState: (s) => {
        states.push(s);
        // Sent while the connection is down: only the reconnection's backfill can bring it.
        if (s === 'lost' && states.filter((x) => x === 'lost').length === 1) {
          sb!.sendDm(jane.id, brand.id, 'pendant la coupure');
        }
      },
    });
    try {
      await until(() => states.includes('connected'));
      sb.sendDm(jane.id, brand.id, 'avant la coupure');
      await until(() => events.length === 1);
      // X drops the connection; what happens meanwhile comes with the reconnection's backfill (with what
      // came before, which the desk drops by id).
      sb.disconnectActivityStreams();
      await until(() => states.includes('reconnected'));
      await until(() =>
        events.some((e) => e.data?.event_uuid !== events[0]!.data?.event_uuid && texts(e) === 'pendant la coupure'),
      );
      const outcome = mapXaaEvent(events[0]!, brand.id);
      expect(outcome).toMatchObject({ kind: 'item', item: { kind: 'direct_message', text: 'avant la coupure' } });
    } finally {
      stream.close();
    }
    for (const s of listed) await client.deleteSubscription(s.subscriptionId);
    expect(await client.listSubscriptions()).toEqual([]);
  });
});
