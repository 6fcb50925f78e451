import { describe, expect, it } from 'vitest';
import { safeHttpUrl } from './safeUrl.ts';

describe('safeHttpUrl', () => {
  it('keeps http and https links', () => {
    expect(safeHttpUrl('https://x.com/chloe/status/1')).toBe('https://x.com/chloe/status/1');
    expect(safeHttpUrl('http://localhost:4010/i/web/status/2')).toBe('http://localhost:4010/i/web/status/2');
  });

  it('drops script, data and malformed URLs', () => {
    expect(safeHttpUrl('javascript:alert(1)')).toBeNull();
    expect(safeHttpUrl(' JavaScript:alert(1)')).toBeNull();
    expect(safeHttpUrl('data:text/html,<script>alert(1)</script>')).toBeNull();
    expect(safeHttpUrl('/relative/path')).toBeNull();
    expect(safeHttpUrl(null)).toBeNull();
  });
});
