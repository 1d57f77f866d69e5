import jwt from 'jsonwebtoken';

export interface Principal {
  userId: string;
  roles: string[];
  /** Seconds since the epoch, when the token carries an expiry. */
  expiresAt?: number;
}

export interface TokenKeys {
  /** HS256 shared secret. */
  secret?: string;
  /** RS256 public key (PEM). */
  publicKey?: string;
  issuer?: string;
  audience?: string;
}

const USER_ID = /^[A-Za-z0-9._:@|-]{1,128}$/;

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
        !USER_ID.test(claims.sub)
      ) {
        return null;
      }
      const roles = readRoles(claims);
      return { userId: claims.sub, roles, expiresAt: claims.exp };
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
