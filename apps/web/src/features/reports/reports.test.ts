import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.ts';
import { formatDay, formatDuration, formatShare, presetRange } from './format.ts';

describe('reports helpers', () => {
  it('writes CSV that spreadsheets read safely', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', 1],
          ['say "hi"', null],
          ['=cmd()', 2],
        ],
      ),
    ).toBe('a,b\r\n"x,y",1\r\n"say ""hi""",\r\n\'=cmd(),2\r\n');
  });

  it('formats durations and shares in the reader’s language', () => {
    expect(formatDuration(12 * 60_000, 'en')).toBe('12.0 min');
    expect(formatDuration(12 * 60_000, 'fr')).toBe('12,0 min');
    expect(formatDuration(5 * 3_600_000, 'en')).toBe('5.0 h');
    expect(formatDuration(3 * 86_400_000, 'fr')).toBe('3,0 j');
    expect(formatDuration(null, 'en')).toBe('–');
    expect(formatShare(0.767, 'en')).toBe('76.7%');
  });

  it('ends presets at the start of tomorrow', () => {
    const { from, to } = presetRange('week', new Date(2026, 2, 10, 15, 30));
    expect(to).toEqual(new Date(2026, 2, 11));
    expect(from).toEqual(new Date(2026, 2, 4));
  });
});

describe('report days in the agent’s language', () => {
  it('reads a report day as a short date, whatever the browser’s zone', () => {
    expect(formatDay('2026-03-02', 'fr')).toBe('2 mars');
    expect(formatDay('2026-03-02', 'en-GB')).toBe('2 Mar');
    expect(formatDay('not a day', 'fr')).toBe('not a day');
  });
});
