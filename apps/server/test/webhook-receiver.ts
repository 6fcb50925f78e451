import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedDelivery {
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedDelivery[];
  /** Statuses to answer, in order; once used up, 200. */
  answer(...statuses: number[]): void;
  close(): Promise<void>;
}

/** A receiver on 127.0.0.1 as a customer's system would run it: records what arrives, answers as told. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedDelivery[] = [];
  const queue: number[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.statusCode = queue.shift() ?? 200;
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/guichet`,
    received,
    answer: (...statuses) => queue.push(...statuses),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What a receiver does with the `x-guichet-signature` header: recompute and compare in constant time. */
export function verifySignature(secret: string, delivery: ReceivedDelivery): { valid: boolean; timestamp: number } {
  const header = String(delivery.headers['x-guichet-signature'] ?? '');
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return { valid: false, timestamp: 0 };
  const expected = createHmac('sha256', secret).update(`${match[1]}.${delivery.body}`).digest();
  const given = Buffer.from(match[2]!, 'hex');
  return { valid: given.length === expected.length && timingSafeEqual(given, expected), timestamp: Number(match[1]) };
}
