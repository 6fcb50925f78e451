import WebSocket from 'ws';

/**
 * The simulated agents: each signed in on one of the web processes, holding its realtime socket (and
 * reopening it when its web process dies, as the web app does), and, between them, sending replies.
 */
export interface Agent {
  email: string;
  cookie: string;
  port: number;
  socket: WebSocket | undefined;
  open: boolean;
  reconnects: number;
  events: number;
  /** Only the first few agents keep a log, for latency: case id → flat pairs (event updatedAt, received at). */
  log: Map<string, number[]> | undefined;
}

export interface AgentCrowd {
  agents: Agent[];
  /** Every case id an event named: what replies are written to. */
  cases: string[];
  socketErrors: number;
  stopping: boolean;
}

export async function signIn(port: number, email: string, password: string): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: `http://127.0.0.1:${port}` },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 200)
    throw new Error(`sign-in of ${email} failed: ${response.status} ${await response.text()}`);
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('guichet_session='));
  if (!cookie) throw new Error('sign-in set no session cookie');
  return cookie.split(';')[0]!;
}

function onEvent(crowd: AgentCrowd, agent: Agent, data: WebSocket.RawData, seenCases: Set<string>): void {
  const receivedAt = Date.now();
  agent.events++;
  // Only the logging agents read their events: 200 sockets parsing every event would make the driver,
  // not the desk, the bottleneck. They also collect the case ids replies go to.
  if (!agent.log) return;
  const event = JSON.parse(String(data)) as { type: string; caseId?: string; updatedAt?: string };
  if (event.type !== 'case.changed' || !event.caseId) return;
  if (!seenCases.has(event.caseId)) {
    seenCases.add(event.caseId);
    crowd.cases.push(event.caseId);
  }
  if (!event.updatedAt) return;
  let pairs = agent.log.get(event.caseId);
  if (!pairs) agent.log.set(event.caseId, (pairs = []));
  pairs.push(Date.parse(event.updatedAt), receivedAt);
}

/** Opens the agent's socket, and opens it again after any close until the crowd stops. */
export function connect(crowd: AgentCrowd, agent: Agent, seenCases: Set<string>): Promise<void> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${agent.port}/api/realtime`, { headers: { cookie: agent.cookie } });
    agent.socket = socket;
    socket.on('message', (data) => onEvent(crowd, agent, data, seenCases));
    socket.once('open', () => {
      agent.open = true;
      resolve();
    });
    socket.on('error', () => {
      crowd.socketErrors++;
    });
    socket.once('close', () => {
      agent.open = false;
      resolve();
      if (crowd.stopping) return;
      // Like the web app: back off a little, with jitter, so 100 sockets do not return in one instant.
      setTimeout(
        () => {
          if (crowd.stopping) return;
          agent.reconnects++;
          void connect(crowd, agent, seenCases);
        },
        300 + Math.random() * 700,
      );
    });
  });
}

export function closeAll(crowd: AgentCrowd): void {
  crowd.stopping = true;
  for (const agent of crowd.agents) agent.socket?.terminate();
}

export interface ReplyLedger {
  /** token → when the reply was first submitted. */
  submitted: Map<string, number>;
  /** token → how many times it appeared on X, and when first. */
  delivered: Map<string, { count: number; at: number }>;
  httpErrors: number;
  retried: number;
  refused: number;
  /** Why refused replies were refused: error code → count. */
  refusals: Record<string, number>;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Sends one reply as the agent, to a case some event named. A failed request (its web process just died) is
 * retried on the other web process with the same idempotency key, as a browser retry would: it must not
 * make a second post on X.
 */
export async function sendReply(
  agent: Agent,
  caseId: string,
  token: string,
  ports: number[],
  ledger: ReplyLedger,
): Promise<void> {
  // As the console does: the agent opens the case and answers its latest customer message, DM or public.
  const inReplyToMessageId = await latestCustomerMessage(agent, caseId);
  const body = JSON.stringify({
    text: `Merci pour votre message, nous regardons cela tout de suite. [${token}]`,
    idempotencyKey: `load-${token}`,
    confirm: true,
    ...(inReplyToMessageId ? { inReplyToMessageId } : {}),
  });
  for (let attempt = 0; attempt < 8; attempt++) {
    const port = attempt === 0 ? agent.port : ports[attempt % ports.length]!;
    if (attempt === 0) ledger.submitted.set(token, Date.now());
    else ledger.retried++;
    try {
      const response = await fetch(`http://127.0.0.1:${port}/api/cases/${caseId}/replies`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: agent.cookie, origin: `http://127.0.0.1:${port}` },
        body,
        signal: AbortSignal.timeout(20_000),
      });
      if (response.status === 202) return;
      if (response.status < 500) {
        ledger.refused++;
        const code = ((await response.json().catch(() => ({}))) as { error?: { code?: string } }).error?.code;
        const key = `${response.status} ${code ?? ''}`.trim();
        ledger.refusals[key] = (ledger.refusals[key] ?? 0) + 1;
        ledger.submitted.delete(token);
        return;
      }
      ledger.httpErrors++;
    } catch {
      ledger.httpErrors++;
    }
    await pause(500);
  }
  ledger.submitted.delete(token);
}

/** The case's newest inbound message, as the case screen shows it; undefined when the case cannot be read. */
async function latestCustomerMessage(agent: Agent, caseId: string): Promise<string | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${agent.port}/api/cases/${caseId}`, {
      headers: { cookie: agent.cookie },
      signal: AbortSignal.timeout(20_000),
    });
    if (!response.ok) return undefined;
    const detail = (await response.json()) as { messages: { id: string; direction: string }[] };
    return detail.messages.filter((message) => message.direction === 'inbound').at(-1)?.id;
  } catch {
    return undefined;
  }
}
