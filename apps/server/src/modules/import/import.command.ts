import fs from 'node:fs';
import path from 'node:path';
import { migrateToLatest } from '../../migrations/registry.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Config } from '../../platform/config.ts';
import type { Db } from '../../platform/db/database.ts';
import { StartupError } from '../../platform/errors.ts';
import { bootstrapWorkspace } from '../agents/agents.commands.ts';
import { computeReport } from '../reports/reports.queries.ts';
import { importTwcs, type ImportResult } from './twcs-import.ts';

const minutes = (ms: number | null) => (ms === null ? '–' : `${(ms / 60_000).toFixed(1)} min`);
const percent = (share: number | null) => (share === null ? '–' : `${(share * 100).toFixed(1)} %`);

/** `guichet import <csv>`: loads the file, then prints what was imported and the period's headline numbers. */
export async function runImportCommand(
  deps: { db: Db; clock: Clock; config: Config },
  file: string,
  options: { brand?: string | undefined; allBrands?: boolean | undefined },
  write: (line: string) => void,
): Promise<ImportResult> {
  let csv: string;
  try {
    csv = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new StartupError(`Cannot read ${file}: ${(error as Error).message}.`, { cause: error });
  }
  await migrateToLatest(deps.db);
  const { workspaceId, admin } = await bootstrapWorkspace({ db: deps.db, clock: deps.clock }, deps.config.admin);
  if (admin?.passwordGenerated) {
    write(`Created the workspace and its first admin ${admin.email}, password (shown once): ${admin.password}`);
  }
  const result = await importTwcs(
    { db: deps.db, clock: deps.clock },
    { workspaceId, csv, brand: options.allBrands ? 'all' : options.brand, source: path.basename(file) },
  );
  write(`Read ${result.rows} posts from ${file}.`);
  for (const b of result.brands) {
    const skipped = b.alreadyImported > 0 ? `, ${b.alreadyImported} thread(s) already imported` : '';
    write(
      `@${b.brand}: ${b.cases} case(s), ${b.inbound} customer post(s), ${b.outbound} brand repl(ies)${skipped}` +
        (b.channelCreated ? ' — new paused channel (history only, not connected to X)' : ''),
    );
  }
  if (result.threadsWithoutBrand > 0) {
    write(`${result.threadsWithoutBrand} thread(s) with no brand post in the file were left out.`);
  }
  if (result.firstAt !== null && result.lastAt !== null) {
    const report = await computeReport(deps.db, {
      workspaceId,
      from: result.firstAt,
      to: result.lastAt + 1,
      timeZone: 'UTC',
      channelId: result.brands.length === 1 ? result.brands[0]!.channelId : undefined,
    });
    const fr = report.current.firstResponse;
    write(
      `Imported period ${new Date(result.firstAt).toISOString()} → ${new Date(result.lastAt).toISOString()}: ` +
        `${report.current.opened} cases, first response median ${minutes(fr.medianMs)}, p90 ${minutes(fr.p90Ms)}, ` +
        `${percent(fr.under15m)} under 15 min, ${percent(fr.under1h)} under 1 h.`,
    );
  }
  return result;
}
