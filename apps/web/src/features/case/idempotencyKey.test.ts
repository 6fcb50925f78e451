import { describe, expect, it } from 'vitest';
import { newIdempotencyKey } from './idempotencyKey.ts';

const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newIdempotencyKey', () => {
  it('builds a v4 UUID without randomUUID, as on a plain-http LAN address', () => {
    const insecureContextCrypto = { getRandomValues: crypto.getRandomValues.bind(crypto) };
    const first = newIdempotencyKey(insecureContextCrypto);
    const second = newIdempotencyKey(insecureContextCrypto);
    expect(first).toMatch(uuidV4);
    expect(second).toMatch(uuidV4);
    expect(first).not.toBe(second);
  });

  it('uses randomUUID when the browser offers it', () => {
    expect(newIdempotencyKey(crypto)).toMatch(uuidV4);
  });
});
