import { describe, expect, it } from 'vitest';
import { describeDevice } from './device.ts';

describe('describeDevice', () => {
  it('names the browser and the system of common user agents', () => {
    const cases: [string, { browser: string | null; system: string | null }][] = [
      [
        'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
        { browser: 'Firefox', system: 'Linux' },
      ],
      [
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0',
        { browser: 'Edge', system: 'Windows' },
      ],
      [
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
        { browser: 'Chrome', system: 'macOS' },
      ],
      [
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Mobile Safari/604.1',
        { browser: 'Safari', system: 'iOS' },
      ],
      ['curl/8.5.0', { browser: null, system: null }],
    ];
    for (const [userAgent, expected] of cases) expect(describeDevice(userAgent), userAgent).toEqual(expected);
    expect(describeDevice(null)).toEqual({ browser: null, system: null });
  });
});
