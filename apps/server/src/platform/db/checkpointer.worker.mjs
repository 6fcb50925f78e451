// The SQLite checkpointer's thread (see checkpointer.ts). Plain JavaScript on purpose: loading tsx in a worker
// costs more than everything this thread does at start, and the desk starts one per database it serves.
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import SQLite from 'better-sqlite3';

const { file, intervalMs, truncateBytes } = workerData;

function open() {
  const connection = new SQLite(file, { fileMustExist: true });
  // Never wait for a lock: a checkpoint that cannot have one now is tried again at the next tick, and a
  // TRUNCATE that cannot take the write lock at once downgrades to PASSIVE instead of making the writer wait.
  connection.pragma('busy_timeout = 0');
  // A checkpoint syncs the WAL before copying and the database after, as the desk's own connection would.
  connection.pragma('synchronous = NORMAL');
  return connection;
}

let db;
try {
  db = open();
} catch (error) {
  // Said as a message: SQLite's errors do not cross threads whole (the desk would get an empty object).
  parentPort.postMessage({ type: 'error', message: error.message, code: error.code });
  parentPort.close();
}
const dataVersion = db?.prepare('pragma data_version').pluck();
const checkpoint = (mode) => db.prepare(`pragma wal_checkpoint(${mode})`).get();

let seenVersion = -1;
// Frames left behind by the last PASSIVE (a reader still on an older snapshot): tried again at the next tick.
let behind = false;
let timer;
let stopped = false;
let lastError = '';

function walBytes() {
  try {
    return fs.statSync(`${file}-wal`).size;
  } catch {
    return 0;
  }
}

/**
 * One tick: copies into the database every frame committed since the last tick (PASSIVE: no lock that a
 * writer or reader waits on). When nothing was committed since and the WAL file is large, tries TRUNCATE so
 * that an idle desk does not keep a WAL of the busy hour's size on disk.
 */
function tick() {
  const version = dataVersion.get();
  const started = performance.now();
  if (version !== seenVersion || behind) {
    seenVersion = version;
    const result = checkpoint('PASSIVE');
    behind = result.busy === 1 || result.checkpointed < result.log;
    if (result.checkpointed > 0) {
      parentPort.postMessage({ type: 'checkpoint', mode: 'passive', ...result, ms: performance.now() - started });
    }
    return;
  }
  if (walBytes() < truncateBytes) return;
  const result = checkpoint('TRUNCATE');
  if (result.busy === 0) {
    parentPort.postMessage({ type: 'checkpoint', mode: 'truncate', ...result, ms: performance.now() - started });
  }
}

function schedule() {
  if (stopped) return;
  timer = setTimeout(() => {
    try {
      tick();
      lastError = '';
    } catch (error) {
      // Said once, not every 200 ms while it lasts (a full disk); the next tick tries again all the same.
      if (error.message !== lastError) {
        parentPort.postMessage({ type: 'error', message: error.message, code: error.code });
      }
      lastError = error.message;
    }
    schedule();
  }, intervalMs);
}

parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  stopped = true;
  clearTimeout(timer);
  db?.close();
  parentPort.close();
});

if (db) {
  parentPort.postMessage({ type: 'ready' });
  schedule();
}
