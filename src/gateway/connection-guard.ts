import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Socket } from 'socket.io';
import { TokenVerifier } from '../auth/token-verifier.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { ModerationService } from '../moderation/moderation.service.js';
import { Lifecycle } from '../observability/lifecycle.js';
import { validLocale, validTimeZone } from '../common/time-zone.js';
import {
  type RawConnection,
  type SocketData,
  validAppVersion,
  validPlatform,
} from './socket-data.js';

/** Roles that may connect to /operator and receive its alerts. */
export const OPERATOR_SOCKET_ROLES = ['moderator', 'admin'];

type ConnectError = Error & { data?: { code: string; message: string } };

function refusal(code: string, message: string): ConnectError {
  const e: ConnectError = new Error(code);
  e.data = { code, message };
  return e;
}

/**
 * Admission to /chat: the origin must be on the allowlist (when one is set; native apps send no
 * Origin header), the pod must not be draining, and the handshake must carry a valid JWT in
 * `auth.token`. Refusals reach the client as `connect_error` whose message is the code.
 */
@Injectable()
export class ConnectionGuard {
  private readonly logger = new Logger(ConnectionGuard.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tokens: TokenVerifier,
    private readonly lifecycle: Lifecycle,
    private readonly moderation: ModerationService,
  ) {}

  /**
   * Admission to /chat: as `admit`, and the account must not be banned (`banned`; one read by
   * primary key). A failed read refuses with `unavailable`: the app reconnects.
   */
  admitChat(socket: Socket, next: (err?: Error) => void): void {
    this.admit(socket, (err?: Error) => {
      if (err) return next(err);
      const { userId } = socket.data as SocketData;
      this.moderation.isBanned(userId).then(
        (banned) => {
          if (!banned) return next();
          this.logger.warn({ userId }, 'connection refused: the account is banned');
          next(refusal('banned', 'this account is banned'));
        },
        (e: unknown) => {
          this.logger.error({ userId, err: String(e) }, 'restriction read failed at handshake');
          next(refusal('unavailable', 'try again in a moment'));
        },
      );
    });
  }

  /**
   * Admission to /operator: as to /chat, and the token's roles must include one of
   * OPERATOR_SOCKET_ROLES; anyone else is refused with `forbidden`.
   */
  admitOperator(socket: Socket, next: (err?: Error) => void): void {
    this.admit(socket, (err?: Error) => {
      if (err) return next(err);
      const { roles, userId } = socket.data as SocketData;
      if (!roles.some((r) => OPERATOR_SOCKET_ROLES.includes(r))) {
        this.logger.warn({ userId }, 'operator connection refused: no moderator or admin role');
        return next(refusal('forbidden', 'this namespace is for moderators and admins'));
      }
      next();
    });
  }

  admit(socket: Socket, next: (err?: Error) => void): void {
    const origin =
      (socket.conn as unknown as RawConnection).origin ?? socket.handshake.headers.origin;
    const allowed = this.config.chat.allowedOrigins;
    if (typeof origin === 'string' && allowed.length > 0 && !allowed.includes(origin)) {
      this.logger.warn({ origin }, 'connection refused: origin not allowed');
      return next(refusal('origin_not_allowed', 'this origin may not connect'));
    }
    if (this.lifecycle.draining) {
      return next(refusal('unavailable', 'this server is restarting; reconnect in a moment'));
    }
    const auth = socket.handshake.auth as
      | {
          token?: unknown;
          locale?: unknown;
          timeZone?: unknown;
          platform?: unknown;
          appVersion?: unknown;
        }
      | undefined;
    const principal = this.tokens.verify(auth?.token);
    if (!principal) return next(refusal('unauthorized', 'a valid token is required'));
    const data = socket.data as SocketData;
    data.userId = principal.userId;
    data.roles = principal.roles;
    data.expiresAt = principal.expiresAt;
    // The user's time zone and language: what the app says now, else the token's `zoneinfo` and
    // `locale` claims. A value that is not a known zone or a plausible tag is ignored, never
    // refused; without any, the configured default applies when the turn runs.
    const timeZone = validTimeZone(auth?.timeZone) ?? principal.timeZone;
    if (timeZone) data.timeZone = timeZone;
    const locale = validLocale(auth?.locale) ?? principal.locale;
    if (locale) data.locale = locale;
    if (principal.ageBand) data.ageBand = principal.ageBand;
    // The app's platform and version (analytics breakdowns, experiments' targeting): ignored
    // when not valid, like the time zone; never refused, so an older app connects as before.
    const platform = validPlatform(auth?.platform);
    if (platform) data.platform = platform;
    const appVersion = validAppVersion(auth?.appVersion);
    if (appVersion) data.appVersion = appVersion;
    data.tier = principal.tier;
    // The token is verified; keeping it on every idle socket only costs memory.
    socket.handshake.auth = {};
    next();
  }
}
