import { DEFAULT_TIER, type Principal } from '../auth/token-verifier.js';

/**
 * What the gateway keeps on each socket and on engine.io's raw connection. Shared by the socket
 * adapter (src/gateway/chat-io.adapter.ts) and admission (connection-guard.ts), so neither
 * imports the other.
 */
export interface SocketData {
  userId: string;
  roles: string[];
  /** The token's expiry (seconds since the epoch); auth:refresh moves it. */
  expiresAt: number;
  /** What the app said of the user in the handshake, when it did (validated). */
  locale?: string;
  timeZone?: string;
  /** The app's platform and version (handshake `auth.platform`, `auth.appVersion`; validated). */
  platform?: AppPlatform;
  appVersion?: string;
  /** The token's `age_band` claim. */
  ageBand?: 'minor' | 'adult';
  /** The token's `tier` claim (`free` without one); auth:refresh updates it. */
  tier?: string;
  /** Counted in UserPresence (its disconnect must be counted too). */
  present?: boolean;
  /** Token bucket for the per-socket event limit. */
  bucket?: { tokens: number; at: number };
}

export const APP_PLATFORMS = ['ios', 'android', 'web', 'desktop'] as const;
export type AppPlatform = (typeof APP_PLATFORMS)[number];

/** `ios`, `android`, `web` or `desktop` (any case); undefined for anything else. */
export function validPlatform(value: unknown): AppPlatform | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.toLowerCase();
  return (APP_PLATFORMS as readonly string[]).includes(v) ? (v as AppPlatform) : undefined;
}

/** A release version such as `2.14.0` or `2.14.0-beta.3+512` (at most 32 characters). */
const APP_VERSION = /^\d{1,5}(\.\d{1,5}){0,3}([-+][0-9A-Za-z.+-]{1,20})?$/;

export function validAppVersion(value: unknown): string | undefined {
  return typeof value === 'string' && value.length <= 32 && APP_VERSION.test(value)
    ? value
    : undefined;
}

/** engine.io's connection, with the Origin header kept aside for the namespace guard. */
export interface RawConnection {
  request?: Record<string, unknown> & { headers: Record<string, string | string[] | undefined> };
  origin?: string | string[];
}

/** The authenticated user of a socket, as services take it. */
export function principalOf(socket: { data: unknown }): Principal {
  const data = socket.data as SocketData;
  return {
    userId: data.userId,
    roles: data.roles,
    expiresAt: data.expiresAt,
    tier: data.tier ?? DEFAULT_TIER,
  };
}

/** What the app told of the user in the handshake: hints for the turn. */
export function handshakeUser(socket: { data: unknown }): {
  locale: string | null;
  timeZone: string | null;
  ageBand: 'minor' | 'adult' | null;
  platform: AppPlatform | null;
  appVersion: string | null;
  tier: string;
} {
  const data = socket.data as SocketData;
  return {
    locale: data.locale ?? null,
    timeZone: data.timeZone ?? null,
    ageBand: data.ageBand ?? null,
    platform: data.platform ?? null,
    appVersion: data.appVersion ?? null,
    tier: data.tier ?? DEFAULT_TIER,
  };
}
