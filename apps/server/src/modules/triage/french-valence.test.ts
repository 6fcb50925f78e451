import { describe, expect, it } from 'vitest';
import { frenchValence, frenchValenceOfWords } from './french-valence.ts';
import { normalise } from './text.ts';

// Sums as the word-by-word reading gave them before each word's role was kept: the memory must change nothing.
const CASES: [string, number][] = [
  ["C'est génial", 3],
  ["C'est pas génial", -1.5],
  ['Très génial', 4.5],
  ["Ce n'est plus bon", -0.5],
  ['Plus beau que jamais', 5],
  ["n'est rien. Plus beau", -2.5],
  ['Des colis cassés', -2],
  ['Nulles', -3],
  ['random english words', 0],
];

describe('French valence', () => {
  it('applies accents, endings, negations ("ne … plus" only after "ne") and intensifiers', () => {
    for (const [text, sum] of CASES) expect(frenchValence(normalise(text)), text).toBe(sum);
  });

  it('answers the same for words seen before, and for words already split', () => {
    for (let round = 0; round < 2; round++) {
      for (const [text, sum] of CASES) {
        expect(frenchValenceOfWords(normalise(text).split(' ')), text).toBe(sum);
      }
    }
    // A word first met where it negates still negates, and still counts on its own elsewhere.
    expect(frenchValence('plus beau')).toBe(5);
    expect(frenchValence("n' est plus beau")).toBe(-1);
  });
});
