import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { backupDatabase, restoreDatabase } from './backup.ts';

type Guarded = (action: () => Promise<void>) => Promise<void>;

const write = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** `guichet backup <file>` and `guichet restore <file>` (SQLite; PostgreSQL is told to use its own tools). */
export function addBackupCommands(program: Command, guarded: Guarded): void {
  program
    .command('backup')
    .description('copy the SQLite database into a new file while the desk runs (PostgreSQL: use pg_dump)')
    .argument('<file>', 'the backup file to create')
    .action((file: string) =>
      guarded(async () => {
        const report = await backupDatabase(loadConfig().database, file);
        write(`Backed up the database to ${report.file} (${report.bytes} bytes, ${report.migrations} migrations).`);
        // The key is not in the backup on purpose: a copied file should not carry what decrypts it.
        write(
          'Keep the secret key with it (secret.key in the data folder, or GUICHET_SECRET_KEY): channel credentials are encrypted with it.',
        );
      }),
    );

  program
    .command('restore')
    .description(
      'replace the SQLite database with a backup; every desk process must be stopped (PostgreSQL: use pg_restore)',
    )
    .argument('<file>', 'a file made by guichet backup')
    .action((file: string) =>
      guarded(async () => {
        const report = restoreDatabase(loadConfig().database, file);
        write(`Restored ${report.file} from ${file} (${report.migrations} migrations; newer ones apply at start).`);
        if (report.previous) write(`The database it replaced is kept at ${report.previous}.`);
      }),
    );
}
