import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './app-config.js';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe('loadConfig', () => {
  it('runs on embedded defaults with nothing set', () => {
    const config = loadConfig({});
    expect(config.database.url).toBeUndefined();
    expect(config.redis.url).toBeUndefined();
    expect(config.llm.sampling).toEqual({
      temperature: 0.7,
      topP: 0.8,
      topK: 20,
      presencePenalty: 1.5,
    });
    expect(config.llm.enableThinking).toBe(false);
    expect(config.http.port).toBe(3000);
  });

  it('names every bad variable and what is wrong with it', () => {
    const found = problems({
      PORT: 'abc',
      LLM_TOP_P: '3',
      REDIS_URL: 'http://x',
      LLM_ENABLE_THINKING: 'maybe',
    });
    expect(found).toHaveLength(4);
    expect(found.find((p) => p.startsWith('PORT:'))).toBeDefined();
    expect(found.find((p) => p.startsWith('LLM_TOP_P:'))).toMatch(/1/);
    expect(found.find((p) => p.startsWith('REDIS_URL:'))).toMatch(/redis:\/\//);
    expect(found.find((p) => p.startsWith('LLM_ENABLE_THINKING:'))).toBeDefined();
  });

  it('demands real services and a real key in production', () => {
    const found = problems({ NODE_ENV: 'production' });
    expect(found).toEqual([
      'DATABASE_URL: required when NODE_ENV=production',
      'REDIS_URL: required when NODE_ENV=production',
      'LLM_BASE_URL: required when NODE_ENV=production',
      'JWT_SECRET or JWT_PUBLIC_KEY: one is required when NODE_ENV=production',
      'ANALYTICS_PSEUDONYM_KEY: required when NODE_ENV=production (pseudonymous ids in exports)',
      'JWT_ISSUER: required when NODE_ENV=production (a token of another service is refused)',
      'JWT_AUDIENCE: required when NODE_ENV=production (a token of another service is refused)',
    ]);
  });

  it('refuses the example secret in production', () => {
    const found = problems({
      NODE_ENV: 'production',
      JWT_SECRET: 'CHANGE_ME_TO_32_OR_MORE_RANDOM_CHARACTERS',
    });
    expect(found).toContain('JWT_SECRET: is the example placeholder; set a real random secret');
  });

  it('reads the analytics settings: Asia/Shanghai days, a 30-minute session gap, test accounts left out', () => {
    const { analytics } = loadConfig({ DATA_DIR: '/srv/data' });
    expect(analytics.timeZone).toBe('Asia/Shanghai');
    expect(analytics.sessionGapMs).toBe(30 * 60_000);
    expect(analytics.exportDir).toBe('/srv/data/analytics');
    expect(analytics.exportFormats).toEqual(['csv', 'parquet']);
    expect(new RegExp(analytics.excludeUsers!).test('test-42')).toBe(true);
    expect(loadConfig({ ANALYTICS_EXCLUDE_USERS: 'none' }).analytics.excludeUsers).toBeNull();
    expect(problems({ ANALYTICS_EXCLUDE_USERS: '(?=x)' })).toEqual([
      'ANALYTICS_EXCLUDE_USERS: must be a regular expression, or none',
    ]);
    expect(problems({ ANALYTICS_EXPORT_FORMATS: 'csv,xlsx' })).toHaveLength(1);
    expect(problems({ ANALYTICS_TIME_ZONE: 'Moon/Base' })).toHaveLength(1);
  });

  it('takes a default time zone for users who name none, and refuses an unknown one', () => {
    expect(loadConfig({}).defaultTimeZone).toBe('UTC');
    expect(loadConfig({ DEFAULT_TIME_ZONE: 'Asia/Shanghai' }).defaultTimeZone).toBe(
      'Asia/Shanghai',
    );
    expect(problems({ DEFAULT_TIME_ZONE: 'Moon/Base' })).toEqual([
      'DEFAULT_TIME_ZONE: must be an IANA time zone such as Asia/Shanghai',
    ]);
  });

  it('runs as one role: all by default; a split role needs the shared Postgres and Redis', () => {
    expect(loadConfig({}).role).toBe('all');
    expect(problems({ ROLE: 'worker' })).toEqual([
      'DATABASE_URL: required when ROLE=worker (only ROLE=all runs alone)',
      'REDIS_URL: required when ROLE=worker (only ROLE=all runs alone)',
    ]);
    expect(problems({ ROLE: 'cook' })).toHaveLength(1);
    const gateway = loadConfig({
      ROLE: 'gateway',
      DATABASE_URL: 'postgres://db/x',
      REDIS_URL: 'redis://r:6379',
    });
    expect(gateway.role).toBe('gateway');
  });

  it('refuses a short HS256 secret and both kinds of key at once', () => {
    expect(problems({ JWT_SECRET: 'short' })).toEqual([
      'JWT_SECRET: must be at least 32 characters',
    ]);
    const both = problems({
      JWT_SECRET: 'x'.repeat(40),
      JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----',
    });
    expect(both[0]).toMatch(/set one/);
  });

  it('parses lists and booleans', () => {
    const config = loadConfig({
      WS_ALLOWED_ORIGINS: 'https://a.example, https://b.example',
      LLM_ENABLE_THINKING: 'true',
    });
    expect(config.chat.allowedOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.llm.enableThinking).toBe(true);
  });

  it('ignores empty variables as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).database.url).toBeUndefined();
  });
});
