import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { deleteInBatches, keysetRows } from '../common/keyset.js';
import type { Row } from '../common/sql-rows.js';
import { uuidv7 } from '../common/uuid.js';
import {
  applyAction,
  NO_RESTRICTION,
  type Restriction,
  type RestrictingAction,
} from './restriction.js';

export type SubjectKind = 'user' | 'message' | 'conversation' | 'flag';

export type ModerationAction =
  | 'comment'
  | 'warn'
  | 'mute'
  | 'unmute'
  | 'suspend'
  | 'ban'
  | 'unban'
  | 'delete_message'
  | 'label'
  | 'escalate'
  | 'resolve'
  | 'claim'
  | 'report'
  | 'appeal'
  | 'appeal_resolved'
  | 'takeover'
  | 'hand_back'
  | 'operator_message'
  | 'rule_block';

const RESTRICTING = new Set<string>(['mute', 'unmute', 'suspend', 'ban', 'unban']);

export interface NewModerationEvent {
  subjectKind: SubjectKind;
  subjectId: string;
  userId: string;
  actor: string;
  action: ModerationAction;
  reason?: string | null;
  policy?: string | null;
  until?: Date | null;
  data?: Record<string, unknown> | null;
}

export interface ModerationEvent extends Required<NewModerationEvent> {
  id: string;
  createdAt: Date;
}

function rowToEvent(r: Row): ModerationEvent {
  return {
    id: r.id as string,
    subjectKind: r.subject_kind as SubjectKind,
    subjectId: r.subject_id as string,
    userId: r.user_id as string,
    actor: r.actor as string,
    action: r.action as ModerationAction,
    reason: (r.reason as string | null) ?? null,
    policy: (r.policy as string | null) ?? null,
    until: (r.until as Date | null) ?? null,
    data: (r.data as Record<string, unknown> | null) ?? null,
    createdAt: r.created_at as Date,
  };
}

/** A row read back through to_jsonb: timestamps come as text. */
function jsonRow(r: Row): Row {
  return {
    ...r,
    until: r.until ? new Date(r.until as string) : null,
    created_at: new Date(r.created_at as string),
  };
}

function rowToRestriction(r: Row): Restriction {
  return {
    mutedUntil: (r.muted_until as Date | null) ?? null,
    suspendedUntil: (r.suspended_until as Date | null) ?? null,
    banned: Boolean(r.banned),
  };
}

/**
 * The one owner of `moderation_events` (append-only) and `user_restrictions` (what is in force,
 * written in the same transaction as the event that changes it).
 */
@Injectable()
export class ModerationRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Appends an event; a mute, unmute, suspend, ban or unban changes the user's restriction in
   * the same transaction, under the row's lock (two operators acting at once both count).
   */
  async append(event: NewModerationEvent): Promise<ModerationEvent> {
    return this.db.transaction(async (tx) => {
      if (RESTRICTING.has(event.action)) {
        const [row] = await tx.query<Row[]>(
          `SELECT muted_until, suspended_until, banned FROM user_restrictions
            WHERE user_id = $1 FOR UPDATE`,
          [event.userId],
        );
        const next = applyAction(
          row ? rowToRestriction(row) : NO_RESTRICTION,
          event.action as RestrictingAction,
          event.until ?? null,
        );
        await tx.query(
          `INSERT INTO user_restrictions (user_id, muted_until, suspended_until, banned, updated_at)
           VALUES ($1, $2, $3, $4, now())
           ON CONFLICT (user_id) DO UPDATE SET muted_until = EXCLUDED.muted_until,
             suspended_until = EXCLUDED.suspended_until, banned = EXCLUDED.banned,
             updated_at = now()`,
          [event.userId, next.mutedUntil, next.suspendedUntil, next.banned],
        );
      }
      const [stored] = await tx.query<Row[]>(
        `INSERT INTO moderation_events (id, subject_kind, subject_id, user_id, actor, action, reason,
                                        policy, until, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
        [
          uuidv7(),
          event.subjectKind,
          event.subjectId,
          event.userId,
          event.actor,
          event.action,
          event.reason ?? null,
          event.policy ?? null,
          event.until ?? null,
          event.data ? JSON.stringify(event.data) : null,
        ],
      );
      return rowToEvent(stored);
    });
  }

  /** What is in force for the user: one read by primary key (every message, every handshake). */
  /**
   * The restriction check as a SQL condition on the user id in `userParam` (e.g. `$3`): true
   * when nothing stops the user from sending now, as `sendingBlock` reads it. The message insert
   * carries it (MessageRepository.insertUserMessage), so that the common case reads the
   * restriction in the insert's own round trip; a refused insert then reads the restriction
   * (`restriction`) to say which one holds.
   */
  static readonly maySendSql = (userParam: string): string => {
    return `NOT EXISTS (SELECT 1 FROM user_restrictions r WHERE r.user_id = ${userParam}
              AND (r.banned OR r.suspended_until > now() OR r.muted_until > now()))`;
  };

  async restriction(userId: string): Promise<Restriction | null> {
    const [row] = await this.db.query<Row[]>(
      `SELECT muted_until, suspended_until, banned FROM user_restrictions WHERE user_id = $1`,
      [userId],
    );
    return row ? rowToRestriction(row) : null;
  }

  /**
   * The user's events, newest first (at most `limit`, before the event `before` when given, of
   * the `actions` given when there are any).
   */
  async userEvents(
    userId: string,
    limit: number,
    before?: string,
    actions?: readonly string[],
  ): Promise<ModerationEvent[]> {
    const rows = await this.db.query<Row[]>(
      `SELECT * FROM moderation_events
        WHERE user_id = $1
          AND ($2::uuid IS NULL OR (created_at, id) < (SELECT created_at, id FROM moderation_events
                                                         WHERE id = $2::uuid AND user_id = $1))
          AND ($4::varchar[] IS NULL OR action = ANY($4::varchar[]))
        ORDER BY created_at DESC, id DESC LIMIT $3`,
      [userId, before ?? null, limit, actions ?? null],
    );
    return rows.map(rowToEvent);
  }

  /** A subject's events (a message, conversation or flag), oldest first. */
  async subjectEvents(kind: SubjectKind, id: string, limit: number): Promise<ModerationEvent[]> {
    const rows = await this.db.query<Row[]>(
      `SELECT * FROM moderation_events WHERE subject_kind = $1 AND subject_id = $2
        ORDER BY created_at, id LIMIT $3`,
      [kind, id, limit],
    );
    return rows.map(rowToEvent);
  }

  /**
   * The user's own report or appeal sent with this clientMsgId, if there was one (a repeat
   * returns the first ack). Reads the user's events by their index.
   */
  async findByClientMsgId(
    userId: string,
    action: 'report' | 'appeal',
    clientMsgId: string,
  ): Promise<ModerationEvent | null> {
    const [row] = await this.db.query<Row[]>(
      `SELECT * FROM moderation_events
        WHERE user_id = $1 AND action = $2 AND actor = $1 AND data->>'clientMsgId' = $3
        LIMIT 1`,
      [userId, action, clientMsgId],
    );
    return row ? rowToEvent(row) : null;
  }

  /**
   * Appeals, oldest first (the order they should be answered in), with their resolution when
   * there is one: `open` ones have none, `resolved` ones have one.
   */
  async appeals(
    status: 'open' | 'resolved',
    limit: number,
    after?: string,
  ): Promise<Array<{ appeal: ModerationEvent; resolution: ModerationEvent | null }>> {
    const rows = await this.db.query<Row[]>(
      `SELECT to_jsonb(a) AS appeal, to_jsonb(r) AS resolution
         FROM moderation_events a
         LEFT JOIN LATERAL (SELECT * FROM moderation_events r
                             WHERE r.subject_kind = 'user' AND r.subject_id = a.user_id
                               AND r.action = 'appeal_resolved' AND r.data->>'appealId' = a.id::text
                             LIMIT 1) r ON true
        WHERE a.action = 'appeal'
          AND (r.id IS NULL) = ($1 = 'open')
          AND ($3::uuid IS NULL OR (a.created_at, a.id) > (SELECT created_at, id FROM moderation_events
                                                            WHERE id = $3::uuid))
        ORDER BY a.created_at, a.id LIMIT $2`,
      [status, limit, after ?? null],
    );
    return rows.map((r) => ({
      appeal: rowToEvent(jsonRow(r.appeal as Row)),
      resolution: r.resolution ? rowToEvent(jsonRow(r.resolution as Row)) : null,
    }));
  }

  /** One appeal and its resolution, if any. */
  async appeal(
    id: string,
  ): Promise<{ appeal: ModerationEvent; resolution: ModerationEvent | null } | null> {
    const [row] = await this.db.query<Row[]>(
      `SELECT * FROM moderation_events WHERE id = $1 AND action = 'appeal'`,
      [id],
    );
    if (!row) return null;
    const appeal = rowToEvent(row);
    const [resolution] = await this.db.query<Row[]>(
      `SELECT * FROM moderation_events
        WHERE subject_kind = 'user' AND subject_id = $1 AND action = 'appeal_resolved'
          AND data->>'appealId' = $2 LIMIT 1`,
      [appeal.userId, id],
    );
    return { appeal, resolution: resolution ? rowToEvent(resolution) : null };
  }

  /**
   * Stores an appeal's resolution unless it has one: under a transaction-scoped lock on the
   * appeal, so two operators answering at once store one answer. Null when already resolved.
   */
  async resolveAppeal(event: NewModerationEvent & { data: { appealId: string } }) {
    return this.db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `appeal:${event.data.appealId}`,
      ]);
      const [done] = await tx.query<Row[]>(
        `SELECT 1 FROM moderation_events
          WHERE subject_kind = 'user' AND subject_id = $1 AND action = 'appeal_resolved'
            AND data->>'appealId' = $2 LIMIT 1`,
        [event.subjectId, event.data.appealId],
      );
      if (done) return null;
      const [stored] = await tx.query<Row[]>(
        `INSERT INTO moderation_events (id, subject_kind, subject_id, user_id, actor, action, reason,
                                        policy, until, data)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9) RETURNING *`,
        [
          uuidv7(),
          event.subjectKind,
          event.subjectId,
          event.userId,
          event.actor,
          event.action,
          event.reason ?? null,
          event.policy ?? null,
          JSON.stringify(event.data),
        ],
      );
      return rowToEvent(stored);
    });
  }

  /** The user's moderation rows (their export): the restriction in force, then every event. */
  async *exportUserData(userId: string): AsyncGenerator<{ type: string; row: Row }> {
    for (const row of await this.db.query<Row[]>(
      `SELECT * FROM user_restrictions WHERE user_id = $1`,
      [userId],
    )) {
      yield { type: 'moderationRestriction', row };
    }
    for await (const row of keysetRows(
      this.db,
      `SELECT *, created_at::text AS k_at, id AS k_id FROM moderation_events
        WHERE user_id = $1 AND (created_at, id) > (coalesce($2::timestamptz, '-infinity'),
                                                   coalesce($3::uuid, '00000000-0000-0000-0000-000000000000'))
        ORDER BY created_at, id LIMIT $4`,
      userId,
    )) {
      yield { type: 'moderationEvent', row };
    }
  }

  /** Deletes the user's moderation events and restriction (the account is deleted). */
  async deleteUserData(userId: string): Promise<Record<string, number>> {
    return {
      moderation_events: await deleteInBatches(
        this.db,
        `DELETE FROM moderation_events WHERE id IN (SELECT id FROM moderation_events
           WHERE user_id = $1 LIMIT $2) RETURNING id`,
        userId,
      ),
      user_restrictions: await deleteInBatches(
        this.db,
        `DELETE FROM user_restrictions WHERE user_id = $1 AND $2::int > 0 RETURNING user_id`,
        userId,
      ),
    };
  }
}
