import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * In embedded development without JWT_SECRET, tokens are signed with a random secret kept in
 * `<dataDir>/dev-jwt-secret` so the demo client and local tools can mint tokens. Never used when
 * NODE_ENV=production (configuration refuses to start without a real key).
 */
export function devJwtSecret(dataDir: string): string {
  const file = join(dataDir, 'dev-jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}
