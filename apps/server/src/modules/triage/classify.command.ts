import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Classifier } from './classifier.ts';
import { decidePriority } from './priority.ts';
import type { PriorityPolicy } from './triage.models.ts';

/**
 * `guichet classify`: one post per input line → one JSON object per output line, in the same order:
 * {"type","sentiment","language","priority","scores"}. A workspace model's complaint flag shows as the type
 * (they always agree). No customer signals (a bare text has none).
 */
export async function classifyStream(
  classifier: Classifier,
  input: Readable,
  output: Writable,
  policy?: PriorityPolicy,
): Promise<number> {
  let count = 0;
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    const c = classifier.classify(line);
    const { priority } = decidePriority(c, {}, policy);
    const record = {
      type: c.type,
      sentiment: c.sentiment,
      language: c.language,
      priority,
      scores: {
        type: c.scores.type,
        sentiment: c.scores.sentiment,
        language: c.scores.language,
        urgency: Object.fromEntries(c.urgency.map((id) => [id, 1])),
      },
    };
    if (!output.write(JSON.stringify(record) + '\n')) await new Promise((resolve) => output.once('drain', resolve));
    count += 1;
  }
  return count;
}
