import jwt from 'jsonwebtoken';
import { validLocale, validTimeZone } from '../common/time-zone.js';

export interface Principal {
  userId: string;
  roles: string[];
  /** Seconds since the epoch: every accepted token expires. */
  expiresAt: number;
  /** The OIDC `locale` claim, when the token carries a valid one. */
  locale?: string;
  /** The OIDC `zoneinfo` claim, when the token carries a known IANA zone. */
  timeZone?: string;
  /** The `age_band` claim (`minor` or `adult`), when the identity provider knows it. */
  ageBand?: 'minor' | 'adult';
  /** The `tier` claim (the user's plan, e.g. `free`, `plus`); `free` when absent or malformed. */
  tier: string;
}

export interface TokenKeys {
  /** HS256 shared secret. */
  secret?: string;
  /** RS256 public key (PEM). */
  publicKey?: string;
  issuer?: string;
  audience?: string;
  /**
   * The longest life a token may have, in seconds, from its `iat` (or from now when it has
   * none) to its `exp`. A token without `exp` is refused.
   */
  maxLifetimeSec?: number;
}

/** Clocks of the identity provider and this service may disagree by this much. */
const CLOCK_SKEW_SEC = 60;

const USER_ID = /^[A-Za-z0-9._:@|-]{1,128}$/;
const TIER = /^[a-z0-9_-]{1,32}$/;

/** The tier of a token without a usable `tier` claim. */
export const DEFAULT_TIER = 'free';

/** Verifies the JWTs the identity provider issues; `sub` is the user id. */
export class TokenVerifier {
  private readonly key: string;
  private readonly algorithm: 'HS256' | 'RS256';

  constructor(private readonly keys: TokenKeys) {
    if (keys.publicKey) {
      this.key = keys.publicKey;
      this.algorithm = 'RS256';
    } else if (keys.secret) {
      this.key = keys.secret;
      this.algorithm = 'HS256';
    } else {
      throw new Error('TokenVerifier needs a secret (HS256) or a public key (RS256)');
    }
  }

  /** The principal, or null for anything that is not a valid, unexpired token with a usable sub. */
  verify(token: unknown): Principal | null {
    if (typeof token !== 'string' || token.length === 0 || token.length > 8192) return null;
    try {
      const claims = jwt.verify(token, this.key, {
        algorithms: [this.algorithm],
        issuer: this.keys.issuer,
        audience: this.keys.audience,
      });
      if (
        typeof claims !== 'object' ||
        typeof claims.sub !== 'string' ||
        !USER_ID.test(claims.sub) ||
        typeof claims.exp !== 'number'
      ) {
        return null;
      }
      const issuedAt = typeof claims.iat === 'number' ? claims.iat : Date.now() / 1000;
      const maxLife = this.keys.maxLifetimeSec;
      if (maxLife !== undefined && claims.exp - issuedAt > maxLife + CLOCK_SKEW_SEC) return null;
      const locale = validLocale(claims.locale);
      const timeZone = validTimeZone(claims.zoneinfo);
      const band: unknown = claims.age_band;
      const ageBand = band === 'minor' || band === 'adult' ? band : undefined;
      const tier =
        typeof claims.tier === 'string' && TIER.test(claims.tier) ? claims.tier : DEFAULT_TIER;
      return {
        userId: claims.sub,
        roles: readRoles(claims),
        expiresAt: claims.exp,
        tier,
        ...(locale ? { locale } : {}),
        ...(timeZone ? { timeZone } : {}),
        ...(ageBand ? { ageBand } : {}),
      };
    } catch {
      return null;
    }
  }
}

function readRoles(claims: Record<string, unknown>): string[] {
  const raw = claims.roles ?? claims.role;
  if (typeof raw === 'string') return [raw];
  if (Array.isArray(raw)) return raw.filter((r): r is string => typeof r === 'string');
  return [];
}
