import { describe, expect, it } from 'vitest';
import { scannedSoFar } from './PartialScanNotice.tsx';

describe('scannedSoFar', () => {
  const stopped = (scannedCases: number) => ({ partialScan: { scannedCases } });
  const full = { partialScan: null };

  it('is null unless the last page stopped after a bounded scan', () => {
    expect(scannedSoFar([])).toBeNull();
    expect(scannedSoFar([full])).toBeNull();
    expect(scannedSoFar([stopped(2000), full])).toBeNull();
  });

  it('adds up the windows of every page that stopped, as the agent kept searching', () => {
    expect(scannedSoFar([stopped(2000)])).toBe(2000);
    expect(scannedSoFar([stopped(2000), stopped(2000)])).toBe(4000);
    expect(scannedSoFar([full, stopped(2000), full, stopped(2000)])).toBe(4000);
  });
});
