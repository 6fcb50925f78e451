import { Readable, Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadClassifier, type FastTextClassifier } from './classifier.ts';
import { classifyStream } from './classify.command.ts';

let classifier: FastTextClassifier;
beforeAll(async () => {
  classifier = await loadClassifier();
});

describe('the shipped classifier', () => {
  it('triages French and English posts', () => {
    const fr = classifier.classify('@acme_sav ma box est en panne depuis 3 jours, remboursez-moi');
    expect(fr).toMatchObject({ type: 'complaint', language: 'fr' });
    expect(fr.urgency).toEqual(expect.arrayContaining(['outage', 'refund', 'waiting']));
    expect(classifier.classify('@acme_help what are your opening hours on Sunday?')).toMatchObject({
      type: 'question',
      language: 'en',
    });
    expect(classifier.classify('Thanks @acme_help for the super quick fix, great service!')).toMatchObject({
      type: 'praise',
      sentiment: 'positive',
    });
  });

  it('writes one JSON object per input line for `guichet classify`', async () => {
    let out = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        out += chunk.toString();
        done();
      },
    });
    const n = await classifyStream(
      classifier,
      Readable.from(['my internet is down again\nquelle heure ouvrez-vous ?\n']),
      sink,
    );
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(n).toBe(2);
    expect(Object.keys(lines[0]!)).toEqual(['type', 'sentiment', 'language', 'priority', 'scores']);
    expect(lines[0]).toMatchObject({ type: 'complaint', language: 'en', priority: 1 });
    expect(lines[1]).toMatchObject({ language: 'fr' });
  });
});
