/**
 * v1.1 payloads carry numeric ids above 2^53 next to their *_str twins; JSON.stringify cannot emit such
 * numbers, so they travel as a marker string that `serialize` turns back into a bare number.
 */
const RAW = '\u0000raw:';

export const rawId = (id: string): string => `${RAW}${id}`;

export function serialize(payload: unknown): string {
  return JSON.stringify(payload).replace(/"\\u0000raw:([0-9]+)"/g, '$1');
}
