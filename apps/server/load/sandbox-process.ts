/**
 * The load test's standalone X sandbox, in a process of its own (forked by load.ts, talking over IPC): it
 * plays X for every desk process and the customers who post at the offered rate, and notes when each of the
 * agents' replies (tagged `[L…]`) reaches X. Its own event loop: a busy load driver (200 sockets) must not
 * make X look slow to the desk.
 */
import { createXSandbox } from '@guichet/x-sandbox';

export interface OfferedPost {
  id: string;
  at: number;
  dm: boolean;
}

export type ToSandbox =
  | { type: 'offer'; rate: number; seconds: number; dmShare: number }
  | { type: 'status' }
  | { type: 'report' }
  | { type: 'exit' };

export type FromSandbox =
  | { type: 'ready'; url: string; brandId: string; brandToken: string; bearer: string }
  | { type: 'status'; posted: number; delivered: [string, number, number][] }
  | { type: 'report'; offered: OfferedPost[]; refused: number; delivered: [string, number, number][] };

const LINES = [
  'ma commande n’est jamais arrivée',
  'my parcel is late again, any news?',
  'le remboursement n’apparaît toujours pas',
  'the app crashes when I open my account',
  'merci pour votre aide hier !',
  'how do I change my delivery address?',
];
const LIFTED = 10_000_000;
const send = (message: FromSandbox) => process.send!(message);

// X's 15-minute read windows would cap a poll-driven desk far below these rates: lifted, so the test
// measures the desk, not X's quotas. Enterprise plan: the filtered stream.
const sandbox = createXSandbox({
  plan: 'enterprise',
  rateLimits: Object.fromEntries(
    [
      'GET /2/users/:id/mentions',
      'GET /2/dm_events',
      'POST /2/tweets',
      'POST /2/dm_conversations/with/:participant_id/messages',
      'POST /2/dm_conversations/:dm_conversation_id/messages',
      'GET /2/tweets',
      'GET /2/tweets/:id',
      'GET /2/users/:id',
      'GET /2/users/me',
    ].map((endpoint) => [endpoint, LIFTED]),
  ),
});
const { url } = await sandbox.listen(0, '127.0.0.1');
const brand = sandbox.ensureUser({ username: 'acme_sav', name: 'Acme — Service client', verified: true });
const customers = Array.from(
  { length: Number(process.env.LOAD_CUSTOMERS ?? 300) },
  (_, i) => sandbox.ensureUser({ username: `client_${i}`, name: `Client ${i}` }).user.id,
);

const offered: OfferedPost[] = [];
let refused = 0;
/** token → [times seen on X, first seen at] */
const delivered = new Map<string, [number, number]>();
sandbox.onEvent((event) => {
  const text =
    event.type === 'tweet.create' && event.tweet.authorId === brand.user.id
      ? event.tweet.text
      : event.type === 'dm.create' && event.event.senderId === brand.user.id
        ? event.event.text
        : undefined;
  const token = text && /\[(L[0-9a-f]+-\d+)\]/.exec(text)?.[1];
  if (!token) return;
  const seen = delivered.get(token);
  if (seen) seen[0]++;
  else delivered.set(token, [1, Date.now()]);
});
const deliveredList = (): [string, number, number][] => [...delivered].map(([t, [n, at]]) => [t, n, at]);

function offer(rate: number, seconds: number, dmShare: number): void {
  const started = Date.now();
  const total = Math.round(rate * seconds);
  const timer = setInterval(() => {
    const due = Math.min(total, Math.floor((rate * (Date.now() - started)) / 1000));
    while (offered.length + refused < due) {
      const n = offered.length + refused;
      const customer = customers[n % customers.length]!;
      const line = `${LINES[n % LINES.length]} #${n}`;
      const at = Date.now();
      try {
        // A fixed pseudo-random spread of DMs among mentions, the same in every run.
        if ((n * 7919) % 100 < dmShare * 100)
          offered.push({ id: sandbox.sendDm(customer, brand.user.id, line).id, at, dm: true });
        else offered.push({ id: sandbox.post(customer, { text: `@acme_sav ${line}` }).id, at, dm: false });
      } catch {
        refused++;
      }
    }
    if (offered.length + refused >= total) clearInterval(timer);
  }, 20);
}

process.on('message', (message: ToSandbox) => {
  if (message.type === 'offer') offer(message.rate, message.seconds, message.dmShare);
  else if (message.type === 'status') send({ type: 'status', posted: offered.length, delivered: deliveredList() });
  else if (message.type === 'report') send({ type: 'report', offered, refused, delivered: deliveredList() });
  else void sandbox.close().then(() => process.exit(0));
});
send({ type: 'ready', url, brandId: brand.user.id, brandToken: brand.token, bearer: sandbox.issueAppBearer() });
