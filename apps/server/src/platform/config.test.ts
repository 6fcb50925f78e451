import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { StartupError } from './errors.ts';

describe('loadConfig', () => {
  it('defaults to SQLite in ./data, port 3000, all roles and the sandbox when no X account is set', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ dialect: 'sqlite', file: expect.stringMatching(/data\/guichet\.db$/) });
    expect(config.roles).toEqual(['web', 'worker', 'scheduler']);
    expect(config.sandbox.enabled).toBe(true);
    expect(config.x).toBeUndefined();
  });

  it('uses PostgreSQL for a postgres:// DATABASE_URL', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://guichet:secret@db:5432/guichet' });
    expect(config.database).toEqual({ dialect: 'postgres', url: 'postgres://guichet:secret@db:5432/guichet' });
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be a whole number between 0 and 65535/],
    [{ DATABASE_URL: 'mysql://root@localhost/guichet' }, /DATABASE_URL must start with postgres:\/\/ .* or sqlite:/],
    [
      { GUICHET_ROLES: 'web,cron' },
      /GUICHET_ROLES must be "all" or a comma list of web, worker, scheduler; got "web,cron"/,
    ],
    [{ GUICHET_ADMIN_EMAIL: 'not-an-email' }, /GUICHET_ADMIN_EMAIL must be an email address/],
    [{ GUICHET_ADMIN_PASSWORD: 'short' }, /GUICHET_ADMIN_PASSWORD must be at least 10 characters long/],
    [{ X_ACCESS_TOKEN: 'a', X_API_KEY: 'b' }, /OAuth 1\.0a needs all four/],
    [{ GUICHET_SANDBOX: 'maybe' }, /GUICHET_SANDBOX must be auto, on or off/],
  ])('rejects %j with one clear sentence', (env, message) => {
    expect(() => loadConfig(env)).toThrow(StartupError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('reads the public URL as an origin and the trusted proxies as a list, off by default', () => {
    expect(loadConfig({})).toMatchObject({ publicUrl: undefined, trustedProxies: [] });
    const config = loadConfig({
      GUICHET_PUBLIC_URL: 'https://Desk.Example.com:8443/',
      GUICHET_TRUSTED_PROXIES: '10.0.0.5, 192.168.1.0/24,loopback,fd00::/8',
    });
    expect(config.publicUrl).toBe('https://desk.example.com:8443');
    expect(config.trustedProxies).toEqual(['10.0.0.5', '192.168.1.0/24', 'loopback', 'fd00::/8']);
  });

  it.each([
    [{ GUICHET_PUBLIC_URL: 'desk.example.com' }, /GUICHET_PUBLIC_URL must be the desk’s address/],
    [{ GUICHET_PUBLIC_URL: 'https://desk.example.com/guichet' }, /GUICHET_PUBLIC_URL must be an origin only/],
    [{ GUICHET_TRUSTED_PROXIES: '10.0.0.0/40' }, /GUICHET_TRUSTED_PROXIES must be a comma list/],
    [{ GUICHET_TRUSTED_PROXIES: 'proxy.internal' }, /GUICHET_TRUSTED_PROXIES must be a comma list/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('names every bad variable at once', () => {
    expect(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'loud' })).toThrow(/PORT .*LOG_LEVEL/);
  });

  it('never echoes a database password in an error', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mongodb://u:hunter2@h/db' })).toThrow(/u:\*\*\*@h/);
  });

  it('reads REDIS_URL for several processes, where the built-in sandbox never starts', () => {
    expect(loadConfig({}).redis).toBeUndefined();
    const config = loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', GUICHET_LEADER_LEASE_SECONDS: '3' });
    expect(config.redis).toEqual({ url: 'redis://127.0.0.1:6379', prefix: 'guichet:' });
    expect(config.leaderLeaseSeconds).toBe(3);
    expect(config.sandbox.enabled).toBe(false);
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', GUICHET_SANDBOX: 'on' })).toThrow(
      /GUICHET_SANDBOX=on cannot be used with REDIS_URL.*guichet sandbox/,
    );
    expect(() => loadConfig({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(/REDIS_URL must be a Redis URL/);
    expect(() => loadConfig({ REDIS_URL: 'redis://x', GUICHET_REDIS_PREFIX: 'a b*' })).toThrow(/GUICHET_REDIS_PREFIX/);
  });

  it('lifts the built-in sandbox’s limits only on endpoints it knows', () => {
    expect(loadConfig({}).sandbox.rateLimits).toEqual({});
    const config = loadConfig({ GUICHET_SANDBOX_RATE_LIMITS: 'GET /2/dm_events=1000, POST /2/tweets:user=300' });
    expect(config.sandbox.rateLimits).toEqual({ 'GET /2/dm_events': 1000, 'POST /2/tweets:user': 300 });
    expect(() => loadConfig({ GUICHET_SANDBOX_RATE_LIMITS: 'GET /2/dm_event=1000' })).toThrow(
      /GUICHET_SANDBOX_RATE_LIMITS.*"GET \/2\/dm_event=1000" must be an X endpoint/,
    );
    expect(() => loadConfig({ GUICHET_SANDBOX_RATE_LIMITS: 'GET /2/dm_events=lots' })).toThrow(
      /GUICHET_SANDBOX_RATE_LIMITS/,
    );
  });

  it('caps the DM media cache at 2 GB unless told otherwise, in whole megabytes', () => {
    expect(loadConfig({}).mediaCacheBytes).toBe(2048 * 1024 * 1024);
    expect(loadConfig({ GUICHET_MEDIA_CACHE_MB: '500' }).mediaCacheBytes).toBe(500 * 1024 * 1024);
    expect(() => loadConfig({ GUICHET_MEDIA_CACHE_MB: '1.5' })).toThrow(/GUICHET_MEDIA_CACHE_MB.*whole number/);
    expect(() => loadConfig({ GUICHET_MEDIA_CACHE_MB: '4' })).toThrow(/GUICHET_MEDIA_CACHE_MB.*at least 16/);
  });

  it('switches the sandbox off when a real X token is configured', () => {
    const config = loadConfig({ X_ACCESS_TOKEN: 'token' });
    expect(config.sandbox.enabled).toBe(false);
    expect(config.x).toEqual({ kind: 'oauth2-user', accessToken: 'token' });
    expect(config.pollIntervalSeconds).toBe(60);
  });
});
