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
  /** The token's `age_band` claim. */
  ageBand?: 'minor' | 'adult';
  /** The token's `tier` claim (`free` without one); auth:refresh updates it. */
  tier?: string;
  /** The app's platform from the handshake (`ios`, `android`, `web`), when it said. */
  platform?: string;
  /** Token bucket for the per-socket event limit. */
  bucket?: { tokens: number; at: number };
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
  tier: string;
  platform: string | null;
} {
  const data = socket.data as SocketData;
  return {
    locale: data.locale ?? null,
    timeZone: data.timeZone ?? null,
    ageBand: data.ageBand ?? null,
    tier: data.tier ?? DEFAULT_TIER,
    platform: data.platform ?? null,
  };
}
