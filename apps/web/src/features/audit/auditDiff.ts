/** One field that differs between an audit line's before and after. */
export interface DiffRow {
  /** Dotted path: `timeZone`, `week.0`, `policies.1.firstResponseMinutes`. */
  path: string;
  before: string | null;
  after: string | null;
  kind: 'added' | 'removed' | 'changed';
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Lists of plain values read better whole (`fr, en`) than item by item. */
const isFlatList = (value: unknown): value is unknown[] =>
  Array.isArray(value) && value.every((item) => item === null || typeof item !== 'object');

function show(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (isFlatList(value)) return value.map((item) => String(item)).join(', ');
  return JSON.stringify(value);
}

function walk(before: unknown, after: unknown, path: string, rows: DiffRow[]): void {
  // A created or deleted object: its fields one by one, against nothing.
  if (isObject(before) && (after === null || after === undefined)) return walk(before, {}, path, rows);
  if (isObject(after) && (before === null || before === undefined)) return walk({}, after, path, rows);
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    for (const key of keys) walk(before[key], after[key], path ? `${path}.${key}` : key, rows);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after) && !(isFlatList(before) && isFlatList(after))) {
    for (let i = 0; i < Math.max(before.length, after.length); i++) walk(before[i], after[i], `${path}.${i}`, rows);
    return;
  }
  const shownBefore = show(before);
  const shownAfter = show(after);
  if (shownBefore === shownAfter) return;
  rows.push({
    path: path || '·',
    before: shownBefore,
    after: shownAfter,
    kind: shownBefore === null ? 'added' : shownAfter === null ? 'removed' : 'changed',
  });
}

/**
 * The fields that changed, before and after, for a reader: nested settings flattened to dotted paths,
 * unchanged fields left out. A line with only an "after" (a creation) lists every field as added.
 */
export function auditDiff(before: unknown, after: unknown): DiffRow[] {
  const rows: DiffRow[] = [];
  walk(before ?? null, after ?? null, '', rows);
  return rows;
}
