import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { compose, dispose } from '../../src/composition.ts';
import { openChannelCredentials } from '../../src/modules/channels/channel-settings.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { SecretBox } from '../../src/platform/secrets.ts';
import { TEST_DIALECTS } from '../databases.ts';
import { createTestApp, type TestApp } from '../test-app.ts';

const KEY = 'a test key that is long enough for the box';

/** How v1 sealed values were written (no associated data); `tagBytes` lets a test forge a short tag. */
function sealV1(plain: string, tagBytes = 16): string {
  const key = createHash('sha256').update(KEY).digest();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag().subarray(0, tagBytes);
  return ['v1', iv.toString('base64'), tag.toString('base64'), body.toString('base64')].join('.');
}

/** Finding (low): GCM decryption accepted short tags, and a sealed value opened wherever it was pasted. */
describe('security: sealed secrets', () => {
  const box = new SecretBox(KEY);

  it('seals as v2 bound to its use: the value opens for that context only', () => {
    const sealed = box.seal('{"accessToken":"secret"}', 'channel:one:credentials');
    expect(sealed).toMatch(/^v2\./);
    expect(box.open(sealed, 'channel:one:credentials')).toBe('{"accessToken":"secret"}');
    expect(() => box.open(sealed, 'channel:two:credentials')).toThrow();
    expect(() => box.open(sealed, 'cookie:x-oauth2:agent')).toThrow();
    expect(() => new SecretBox('another key entirely, also long').open(sealed, 'channel:one:credentials')).toThrow();
  });

  it('refuses tags shorter than 16 bytes, and damaged values', () => {
    for (const bytes of [4, 8, 12, 15]) expect(() => box.open(sealV1('hello', bytes), 'any')).toThrow();
    const sealed = box.seal('hello', 'ctx');
    const [version, iv, tag, body] = sealed.split('.');
    const shortTag = Buffer.from(tag!, 'base64').subarray(0, 4).toString('base64');
    expect(() => box.open([version, iv, shortTag, body].join('.'), 'ctx')).toThrow();
    expect(() => box.open(`${sealed}.extra`, 'ctx')).toThrow();
    expect(() => box.open('v3.a.b.c', 'ctx')).toThrow();
  });

  it('still opens v1 values from earlier versions', () => {
    expect(box.open(sealV1('legacy value'), 'whatever context')).toBe('legacy value');
    expect(SecretBox.isCurrent(sealV1('x'))).toBe(false);
    expect(SecretBox.isCurrent(box.seal('x', 'c'))).toBe(true);
  });
});

describe.each(TEST_DIALECTS)('security: sealed channel credentials (%s)', (dialect) => {
  let app: TestApp;
  afterEach(async () => {
    await app.close();
  });

  it('binds credentials to their channel row and re-seals v1 credentials as v2 when next written', async () => {
    app = await createTestApp({ dialect, env: { GUICHET_SECRET_KEY: KEY } });
    const channel = await app.deps.db.selectFrom('channels').selectAll().executeTakeFirstOrThrow();
    expect(channel.credentials).toMatch(/^v2\./);
    // Pasted into another channel's row, the value does not open.
    expect(() =>
      openChannelCredentials(app.deps.secrets, { id: 'another', credentials: channel.credentials! }),
    ).toThrow();

    const plain = JSON.stringify(
      openChannelCredentials(app.deps.secrets, { id: channel.id, credentials: channel.credentials! }),
    );
    await app.deps.db
      .updateTable('channels')
      .set({ credentials: sealV1(plain) })
      .where('id', '=', channel.id)
      .execute();
    const listed = await app.http.inject({ url: '/api/channels', headers: { cookie: await app.signIn() } });
    expect(listed.json().channels[0].connection.auth).toBe('oauth2-user');

    // The next start writes the sandbox channel's credentials again: sealed as v2 from then on.
    const second = await compose({ ...app.config }, { logger: pino({ level: 'silent' }), simulateCustomer: false });
    try {
      const row = await second.db
        .selectFrom('channels')
        .select('credentials')
        .where('id', '=', channel.id)
        .executeTakeFirstOrThrow();
      expect(row.credentials).toMatch(/^v2\./);
      expect(openChannelCredentials(second.secrets, { id: channel.id, credentials: row.credentials! }).kind).toBe(
        'oauth2-user',
      );
    } finally {
      await dispose(second);
    }
  });
});

/** Finding (low): the SQLite file was world-readable. */
describe('security: data folder and database file modes', () => {
  const mode = (file: string) => fs.statSync(file).mode & 0o777;
  let dataDir: string;
  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the data folder 0700 and the database, its -wal and -shm, the key and the sandbox state 0600', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-modes-'));
    dataDir = path.join(parent, 'data');
    const config = loadConfig({
      GUICHET_DATA_DIR: dataDir,
      GUICHET_SANDBOX: 'on',
      GUICHET_STREAMING: 'false',
      LOG_LEVEL: 'silent',
    });
    const deps = await compose(config, { logger: pino({ level: 'silent' }), simulateCustomer: false });
    try {
      deps.sandbox!.instance.ensureUser({ username: 'camille', name: 'Camille' });
      await deps.db.selectFrom('agents').select('id').execute();
    } finally {
      await dispose(deps);
    }
    expect(mode(dataDir)).toBe(0o700);
    const files = fs.readdirSync(dataDir);
    expect(files).toEqual(expect.arrayContaining(['guichet.db', 'secret.key', 'x-sandbox.json']));
    for (const file of files)
      expect({ file, mode: mode(path.join(dataDir, file)).toString(8) }).toEqual({ file, mode: '600' });
    fs.rmSync(parent, { recursive: true, force: true });
  });

  it('narrows files and the folder left readable by an earlier version', async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'guichet-modes-old-'));
    fs.chmodSync(dataDir, 0o755);
    const config = loadConfig({ GUICHET_DATA_DIR: dataDir, GUICHET_SANDBOX: 'off', LOG_LEVEL: 'silent' });
    const first = await compose(config, { logger: pino({ level: 'silent' }) });
    await dispose(first);
    for (const file of ['guichet.db', 'secret.key']) fs.chmodSync(path.join(dataDir, file), 0o644);
    fs.chmodSync(dataDir, 0o755);
    const again = await compose(config, { logger: pino({ level: 'silent' }) });
    try {
      expect(mode(dataDir)).toBe(0o700);
      for (const file of fs.readdirSync(dataDir)) expect([file, mode(path.join(dataDir, file))]).toEqual([file, 0o600]);
      expect(fs.readdirSync(dataDir)).toEqual(expect.arrayContaining(['guichet.db-wal', 'guichet.db-shm']));
    } finally {
      await dispose(again);
    }
  });
});
