import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Without ANALYTICS_PSEUDONYM_KEY (never in production: configuration refuses to start), the
 * pseudonyms of local exports use a random key kept in `<dataDir>/dev-analytics-key`, so that
 * they stay the same from one run to the next.
 */
export function devPseudonymKey(dataDir: string): string {
  const file = join(dataDir, 'dev-analytics-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64url');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}
