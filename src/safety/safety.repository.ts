import { sendCarried, type CarriedWrite } from '../database/carried-writes.js';
import { jsonbObject, selectAs, withDates, type NamedColumns } from '../database/sql-parts.js';
import { Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type DayWindow, userFilter } from '../common/day-window.js';
import { deleteInBatches, keysetRows } from '../common/keyset.js';
import { updatedRows, type Row } from '../common/sql-rows.js';
import { uuidv7 } from '../common/uuid.js';
import { RelaxedWrites, type Queryable } from '../database/statements.js';
import type { AgeBand, NoticeKind, SessionClock } from './notice-policy.js';

/** What safety keeps for a turn: the user's and the conversation's risk, age band, session clock. */
export interface SafetyState {
  user: { score: number; at: Date | null };
  conversation: { score: number; at: Date | null; lastCrisisAt: Date | null };
  ageBand: AgeBand | null;
  clock: SessionClock;
}

export interface NewCrisisEvent {
  userId: string;
  conversationId: string;
  messageId: string;
  replyId: string;
  level: string;
  categories: string[];
  evidence: unknown;
  protocolVersion: string;
  locale: string;
  resources: string[];
}

export type FlagKind = 'crisis' | 'output_blocked' | 'report' | 'rule' | 'repeated_refusals';
export type FlagSource = 'crisis' | 'output_blocked' | 'report' | 'rule' | 'repeated_refusals';
export type FlagStatus = 'open' | 'escalated' | 'closed';

export interface NewFlag {
  kind: FlagKind;
  source: FlagSource;
  /** 1 is the most urgent; a crisis is always 1. */
  priority: number;
  severity: string | null;
  category: string;
  userId: string;
  conversationId: string;
  messageId: string;
}

export interface Flag extends NewFlag {
  id: string;
  status: FlagStatus;
  assignee: string | null;
  claimExpiresAt: Date | null;
  slaDueAt: Date | null;
  labels: string[];
  createdAt: Date;
}

/** Which flags a page of the queue holds (all but `limit` optional). */
export interface FlagFilter {
  status?: FlagStatus;
  kind?: string;
  category?: string;
  priority?: number;
  /** Flags carrying this label. */
  label?: string;
  /** Flags of this user. */
  userId?: string;
  /** The last flag of the previous page: the next page starts after it. */
  after?: { priority: number; createdAt: string; id: string };
  limit: number;
}

/** How soon a flag should be looked at, by its priority (minutes). */
export function flagSlaMinutes(priority: number): number {
  if (priority <= 1) return 15;
  if (priority === 2) return 60;
  if (priority === 3) return 4 * 60;
  return 24 * 60;
}

const FLAG_COLUMNS = `id, kind, source, priority, severity, category, user_id, conversation_id,
  message_id, status, assignee, claim_expires_at, sla_due_at, labels, created_at,
  created_at::text AS created_key`;

function rowToFlag(r: Row): Flag & { createdKey: string } {
  return {
    id: r.id as string,
    kind: r.kind as FlagKind,
    source: r.source as FlagSource,
    priority: Number(r.priority),
    severity: (r.severity as string | null) ?? null,
    category: r.category as string,
    userId: r.user_id as string,
    conversationId: r.conversation_id as string,
    messageId: r.message_id as string,
    status: r.status as FlagStatus,
    assignee: (r.assignee as string | null) ?? null,
    claimExpiresAt: (r.claim_expires_at as Date | null) ?? null,
    slaDueAt: (r.sla_due_at as Date | null) ?? null,
    labels: (r.labels as string[] | null) ?? [],
    createdAt: r.created_at as Date,
    createdKey: r.created_key as string,
  };
}

/** What a turn leaves in safety's tables. */
export interface TurnSafetyWrite {
  userId: string;
  conversationId: string;
  user: { score: number; at: Date };
  conversation: { score: number; at: Date; crisis: boolean };
  clock: SessionClock;
  ageBand: AgeBand | null;
  notices: Array<{ kind: NoticeKind; policy: string; textVersion: string }>;
}

const ms = (d: unknown) => (d ? (d as Date).getTime() : null);

/** The state a turn starts from: each field's name and the column it is read from. */
const STATE_COLUMNS: NamedColumns = [
  ['user_score', 'u.risk_score'],
  ['user_at', 'u.risk_at'],
  ['age_band', 'u.age_band'],
  ['session_started_at', 'u.session_started_at'],
  ['last_active_at', 'u.last_active_at'],
  ['last_disclosure_at', 'u.last_disclosure_at'],
  ['last_break_at', 'u.last_break_at'],
  ['conv_score', 'c.risk_score'],
  ['conv_at', 'c.risk_at'],
  ['last_crisis_at', 'c.last_crisis_at'],
];

/** Where it is read from, for the user and conversation ids given as SQL. */
const STATE_FROM = (userId: string, conversationId: string) =>
  `FROM (SELECT 1) one
   LEFT JOIN safety_user_states u ON u.user_id = ${userId}
   LEFT JOIN safety_conversation_states c ON c.conversation_id = ${conversationId} AND c.user_id = ${userId}`;

function toSafetyState(r: Row): SafetyState {
  return {
    user: { score: Number(r.user_score ?? 0), at: (r.user_at as Date | null) ?? null },
    conversation: {
      score: Number(r.conv_score ?? 0),
      at: (r.conv_at as Date | null) ?? null,
      lastCrisisAt: (r.last_crisis_at as Date | null) ?? null,
    },
    ageBand: (r.age_band as AgeBand | null) ?? null,
    clock: {
      sessionStartedAt: ms(r.session_started_at),
      lastActiveAt: ms(r.last_active_at),
      lastDisclosureAt: ms(r.last_disclosure_at),
      lastBreakAt: ms(r.last_break_at),
    },
  };
}

/**
 * The one owner of safety's tables: risk states, crisis events, flags and compliance notices.
 * Every statement is scoped by user (or conversation of that user), but the yearly report.
 */
@Injectable()
export class SafetyRepository {
  private readonly relaxed: Queryable;

  constructor(
    private readonly db: DataSource,
    @Optional() relaxed?: RelaxedWrites,
  ) {
    this.relaxed = relaxed ?? db;
  }

  /**
   * What training-data exports leave out (docs/model-loop.md): of these conversations, those with
   * a crisis event; of these users, those known to be minors.
   */
  async trainingExclusions(
    conversationIds: readonly string[],
    userIds: readonly string[],
  ): Promise<{ crisisConversations: Set<string>; minors: Set<string> }> {
    const [crisis, minors] = await Promise.all([
      this.db.query<Array<{ conversation_id: string }>>(
        `SELECT DISTINCT conversation_id FROM crisis_events WHERE conversation_id = ANY($1::uuid[])`,
        [conversationIds],
      ),
      this.db.query<Array<{ user_id: string }>>(
        `SELECT user_id FROM safety_user_states WHERE user_id = ANY($1::varchar[]) AND age_band = 'minor'`,
        [userIds],
      ),
    ]);
    return {
      crisisConversations: new Set(crisis.map((r) => r.conversation_id)),
      minors: new Set(minors.map((r) => r.user_id)),
    };
  }

  /** The state a turn starts from (defaults when nothing is stored yet). */
  async state(userId: string, conversationId: string): Promise<SafetyState> {
    const [r] = await this.db.query<Row[]>(
      `SELECT ${selectAs(STATE_COLUMNS)}
         ${STATE_FROM('$1', '$2')}`,
      [userId, conversationId],
    );
    return toSafetyState(r ?? {});
  }

  /**
   * The same state as a read the reply claim carries in its own statement (ClaimReads): jsonb,
   * parsed by `stateFromRead`.
   */
  static readonly stateRead = (ids: { userId: string; conversationId: string }): string => {
    return `(SELECT ${jsonbObject(STATE_COLUMNS)} ${STATE_FROM(ids.userId, ids.conversationId)})`;
  };

  /** What `stateRead` found (timestamps arrive as ISO strings). */
  static stateFromRead(json: unknown): SafetyState {
    return toSafetyState(
      withDates((json ?? {}) as Row, [
        'user_at',
        'session_started_at',
        'last_active_at',
        'last_disclosure_at',
        'last_break_at',
        'conv_at',
        'last_crisis_at',
      ]),
    );
  }

  /**
   * Stores a turn's outcome in one statement: both risk scores, the session clock, the age band
   * when the token said one, and the notices given (compliance records).
   */
  saveTurn(input: TurnSafetyWrite): Promise<void> {
    return sendCarried(this.relaxed, [SafetyRepository.turnWrite(input)]);
  }

  /**
   * The same write, for another statement to carry (the reply's finish: see CarriedWrite), so
   * that it costs the turn no round trip of its own.
   */
  static readonly turnWrite = (input: TurnSafetyWrite): CarriedWrite => {
    const t = (v: number | null) => (v === null ? null : new Date(v));
    const statements = (p: (value: unknown) => string) => {
      const user = p(input.userId);
      const conversation = p(input.conversationId);
      return [
        `INSERT INTO safety_user_states (user_id, risk_score, risk_at, age_band, session_started_at,
                                         last_active_at, last_disclosure_at, last_break_at, updated_at)
         VALUES (${user}, ${p(input.user.score)}, ${p(input.user.at)}, ${p(input.ageBand)},
                 ${p(t(input.clock.sessionStartedAt))}, ${p(t(input.clock.lastActiveAt))},
                 ${p(t(input.clock.lastDisclosureAt))}, ${p(t(input.clock.lastBreakAt))}, now())
         ON CONFLICT (user_id) DO UPDATE SET
           risk_score = EXCLUDED.risk_score, risk_at = EXCLUDED.risk_at,
           age_band = coalesce(EXCLUDED.age_band, safety_user_states.age_band),
           session_started_at = EXCLUDED.session_started_at, last_active_at = EXCLUDED.last_active_at,
           last_disclosure_at = EXCLUDED.last_disclosure_at, last_break_at = EXCLUDED.last_break_at,
           updated_at = now()`,
        `INSERT INTO safety_conversation_states (conversation_id, user_id, risk_score, risk_at,
                                                 last_crisis_at, updated_at)
         VALUES (${conversation}, ${user}, ${p(input.conversation.score)}, ${p(input.conversation.at)},
                 CASE WHEN ${p(input.conversation.crisis)}::boolean THEN now() END, now())
         ON CONFLICT (conversation_id) DO UPDATE SET
           risk_score = EXCLUDED.risk_score, risk_at = EXCLUDED.risk_at,
           last_crisis_at = coalesce(EXCLUDED.last_crisis_at, safety_conversation_states.last_crisis_at),
           updated_at = now()`,
        `INSERT INTO compliance_events (id, user_id, conversation_id, kind, policy, text_version)
         SELECT * FROM unnest(${p(input.notices.map(() => uuidv7()))}::uuid[],
                              ${p(input.notices.map(() => input.userId))}::varchar[],
                              ${p(input.notices.map(() => input.conversationId))}::uuid[],
                              ${p(input.notices.map((n) => n.kind))}::varchar[],
                              ${p(input.notices.map((n) => n.policy))}::varchar[],
                              ${p(input.notices.map((n) => n.textVersion))}::varchar[])`,
      ];
    };
    return { statements };
  };

  /** The age band the app says (its profile call). */
  async setAgeBand(userId: string, ageBand: AgeBand): Promise<void> {
    await this.db.query(`INSERT INTO users (id) VALUES ($1) ON CONFLICT DO NOTHING`, [userId]);
    await this.db.query(
      `INSERT INTO safety_user_states (user_id, age_band, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (user_id) DO UPDATE SET age_band = EXCLUDED.age_band, updated_at = now()`,
      [userId, ageBand],
    );
  }

  async recordCrisis(event: NewCrisisEvent): Promise<string> {
    const id = uuidv7();
    await this.db.query(
      `INSERT INTO crisis_events (id, user_id, conversation_id, message_id, reply_id, level,
                                  categories, evidence, protocol_version, locale, resources)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        id,
        event.userId,
        event.conversationId,
        event.messageId,
        event.replyId,
        event.level,
        event.categories,
        JSON.stringify(event.evidence),
        event.protocolVersion,
        event.locale,
        event.resources,
      ],
    );
    return id;
  }

  async raiseFlag(flag: NewFlag): Promise<Flag> {
    const id = uuidv7();
    const rows = await this.db.query<Row[]>(
      `INSERT INTO safety_flags (id, kind, source, priority, severity, category, user_id,
                                 conversation_id, message_id, sla_due_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now() + make_interval(mins => $10))
       RETURNING ${FLAG_COLUMNS}`,
      [
        id,
        flag.kind,
        flag.source,
        flag.priority,
        flag.severity,
        flag.category,
        flag.userId,
        flag.conversationId,
        flag.messageId,
        flagSlaMinutes(flag.priority),
      ],
    );
    return rowToFlag(rows[0]);
  }

  /**
   * Raises a `repeated_refusals` flag on the user when `atLeast` of their replies were withheld
   * (output_blocked flags) within `windowHours`, unless one is already open: one statement, so
   * the count and the check see the same rows. Null when none was raised.
   */
  async raiseRepeatedRefusals(input: {
    userId: string;
    conversationId: string;
    messageId: string;
    atLeast: number;
    windowHours: number;
    priority: number;
  }): Promise<Flag | null> {
    const rows = await this.db.query<Row[]>(
      `INSERT INTO safety_flags (id, kind, source, priority, severity, category, user_id,
                                 conversation_id, message_id, sla_due_at)
       SELECT $1::uuid, 'repeated_refusals', 'repeated_refusals', $7::smallint, NULL,
              'repeated_refusals', $2::varchar, $3::uuid, $4::uuid,
              now() + make_interval(mins => $8::int)
        WHERE (SELECT count(*) FROM safety_flags
                WHERE user_id = $2::varchar AND kind = 'output_blocked'
                  AND created_at > now() - make_interval(hours => $6::int)) >= $5::int
          AND NOT EXISTS (SELECT 1 FROM safety_flags
                           WHERE user_id = $2::varchar AND kind = 'repeated_refusals'
                             AND status <> 'closed')
       RETURNING ${FLAG_COLUMNS}`,
      [
        uuidv7(),
        input.userId,
        input.conversationId,
        input.messageId,
        input.atLeast,
        input.windowHours,
        input.priority,
        flagSlaMinutes(input.priority),
      ],
    );
    return rows[0] ? rowToFlag(rows[0]) : null;
  }

  /**
   * A page of the operators' queue: flags not closed (or of the status asked), most urgent first,
   * then oldest first, after the cursor's flag. Reads the review index.
   */
  async queue(filter: FlagFilter): Promise<Array<Flag & { createdKey: string }>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const arg = (v: unknown) => (params.push(v), `$${params.length}`);
    if (filter.status) where.push(`status = ${arg(filter.status)}`);
    else where.push(`status <> 'closed'`);
    if (filter.kind) where.push(`kind = ${arg(filter.kind)}`);
    if (filter.category) where.push(`category = ${arg(filter.category)}`);
    if (filter.priority !== undefined) where.push(`priority = ${arg(filter.priority)}`);
    if (filter.label) where.push(`${arg(filter.label)}::varchar = ANY(labels)`);
    if (filter.userId) where.push(`user_id = ${arg(filter.userId)}`);
    if (filter.after) {
      where.push(
        `(priority, created_at, id) > (${arg(filter.after.priority)}, ${arg(filter.after.createdAt)}::timestamptz, ${arg(filter.after.id)}::uuid)`,
      );
    }
    const rows = await this.db.query<Row[]>(
      `SELECT ${FLAG_COLUMNS} FROM safety_flags WHERE ${where.join(' AND ')}
        ORDER BY priority, created_at, id LIMIT ${arg(filter.limit)}`,
      params,
    );
    return rows.map(rowToFlag);
  }

  async findFlag(id: string): Promise<Flag | null> {
    const rows = await this.db.query<Row[]>(
      `SELECT ${FLAG_COLUMNS} FROM safety_flags WHERE id = $1`,
      [id],
    );
    return rows[0] ? rowToFlag(rows[0]) : null;
  }

  /**
   * Claims a flag for an operator until `minutes` from now, in one statement: only when no one
   * else holds an unexpired claim (the holder may renew). Null when someone else holds it.
   */
  async claimFlag(id: string, operatorId: string, minutes: number): Promise<Flag | null> {
    const rows = await this.db.query<Row[]>(
      `UPDATE safety_flags SET assignee = $2, claim_expires_at = now() + make_interval(mins => $3)
        WHERE id = $1 AND (assignee IS NULL OR assignee = $2 OR claim_expires_at <= now())
        RETURNING ${FLAG_COLUMNS}`,
      [id, operatorId, minutes],
    );
    return updatedRows(rows)[0] ? rowToFlag(updatedRows(rows)[0]) : null;
  }

  /** Sets a flag's review state; a closed flag lets its claim go. */
  async setFlagStatus(id: string, status: FlagStatus): Promise<Flag | null> {
    const rows = await this.db.query<Row[]>(
      `UPDATE safety_flags SET status = $2::varchar,
              assignee = CASE WHEN $2::varchar = 'closed' THEN NULL ELSE assignee END,
              claim_expires_at = CASE WHEN $2::varchar = 'closed' THEN NULL ELSE claim_expires_at END
        WHERE id = $1 RETURNING ${FLAG_COLUMNS}`,
      [id, status],
    );
    return updatedRows(rows)[0] ? rowToFlag(updatedRows(rows)[0]) : null;
  }

  /**
   * Adds and removes labels on a flag in one statement (kept sorted, no repeats, at most
   * `max`); null when there is no such flag or the result would hold more than `max`.
   */
  async setFlagLabels(
    id: string,
    add: readonly string[],
    remove: readonly string[],
    max: number,
  ): Promise<Flag | null> {
    const rows = await this.db.query<Row[]>(
      `WITH next AS (
         SELECT coalesce(array_agg(DISTINCT l ORDER BY l), '{}')::varchar[] AS new_labels
           FROM safety_flags f, unnest(f.labels || $2::varchar[]) l
          WHERE f.id = $1 AND NOT (l = ANY($3::varchar[])))
       UPDATE safety_flags SET labels = next.new_labels FROM next
        WHERE id = $1 AND cardinality(next.new_labels) <= $4
       RETURNING ${FLAG_COLUMNS}`,
      [id, add, remove, max],
    );
    return updatedRows(rows)[0] ? rowToFlag(updatedRows(rows)[0]) : null;
  }

  /** Counts of flags by status, kind and priority: no ids, no content (analysts). */
  async flagCounts(): Promise<
    Array<{ status: string; kind: string; priority: number; n: number }>
  > {
    return this.db.query(
      `SELECT status, kind, priority, count(*)::int AS n FROM safety_flags
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    );
  }

  /** Crisis referrals of a year, counted with nothing that identifies anyone (SB 243's report). */
  async yearlyCounts(year: number): Promise<Array<Record<string, unknown>>> {
    return this.db.query(
      `SELECT to_char(date_trunc('month', created_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month,
              level, cat AS category, locale,
              count(*)::int AS events,
              count(*) FILTER (WHERE cardinality(resources) > 0)::int AS referrals
         FROM crisis_events, unnest(CASE WHEN cardinality(categories) = 0 THEN ARRAY['unknown']::varchar[]
                                         ELSE categories END) AS cat
        WHERE created_at >= make_timestamptz($1, 1, 1, 0, 0, 0, 'UTC')
          AND created_at < make_timestamptz($1 + 1, 1, 1, 0, 0, 0, 'UTC')
        GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
      [year],
    );
  }

  /** Totals of a year: events, referrals (an event counts once, whatever its categories). */
  async yearlyTotals(year: number): Promise<{ events: number; referrals: number }> {
    const [r] = await this.db.query<Array<{ events: number; referrals: number }>>(
      `SELECT count(*)::int AS events,
              count(*) FILTER (WHERE cardinality(resources) > 0)::int AS referrals
         FROM crisis_events
        WHERE created_at >= make_timestamptz($1, 1, 1, 0, 0, 0, 'UTC')
          AND created_at < make_timestamptz($1 + 1, 1, 1, 0, 0, 0, 'UTC')`,
      [year],
    );
    return r;
  }

  /**
   * The year's report (California SB 243): totals and the breakdown by month (UTC), level,
   * category and locale. Nothing in it names a user, a conversation or a message.
   */
  async yearlyReport(year: number) {
    const [totals, breakdown] = await Promise.all([
      this.yearlyTotals(year),
      this.yearlyCounts(year),
    ]);
    return { year, generatedAt: new Date().toISOString(), ...totals, breakdown };
  }

  /** The user's safety rows (their export): states, crisis events, flags, notices. */
  async *exportUserData(userId: string): AsyncGenerator<{ type: string; row: Row }> {
    for (const row of await this.db.query<Row[]>(
      `SELECT * FROM safety_user_states WHERE user_id = $1`,
      [userId],
    )) {
      yield { type: 'safetyState', row };
    }
    for (const row of await this.db.query<Row[]>(
      `SELECT * FROM safety_conversation_states WHERE user_id = $1 ORDER BY conversation_id`,
      [userId],
    )) {
      yield { type: 'conversationSafetyState', row };
    }
    const pages: Array<[string, string]> = [
      ['crisisEvent', 'crisis_events'],
      ['safetyFlag', 'safety_flags'],
      ['complianceNotice', 'compliance_events'],
    ];
    for (const [type, table] of pages) {
      for await (const row of keysetRows(
        this.db,
        `SELECT *, created_at::text AS k_at, id AS k_id FROM ${table}
          WHERE user_id = $1 AND (created_at, id) > (coalesce($2::timestamptz, '-infinity'),
                                                     coalesce($3::uuid, '00000000-0000-0000-0000-000000000000'))
          ORDER BY created_at, id LIMIT $4`,
        userId,
      )) {
        yield { type, row };
      }
    }
  }

  /**
   * The analytics roll-up's read (docs/analytics.md): per user and local day of `window`, crisis
   * protocol replies, those that named crisis resources (referrals) and compliance notices shown.
   * Counts only: no evidence, no text.
   */
  async dailyActivity(window: DayWindow): Promise<{
    days: Array<{
      userId: string;
      day: string;
      crisisEvents: number;
      crisisReferrals: number;
      noticesShown: number;
    }>;
  }> {
    const params: unknown[] = [window.from, window.to, window.timeZone];
    const crisisUsers = userFilter(window, 'user_id', params);
    const noticeUsers = window.userIds ? ` AND user_id = ANY($4::varchar[])` : '';
    const rows = await this.db.query<Row[]>(
      `SELECT user_id, to_char(day, 'YYYY-MM-DD') AS day, sum(crisis) AS crisis,
              sum(referral) AS referrals, sum(notice) AS notices
         FROM (SELECT user_id, (created_at AT TIME ZONE $3)::date AS day, 1 AS crisis,
                      (cardinality(resources) > 0)::int AS referral, 0 AS notice
                 FROM crisis_events
                WHERE user_id IS NOT NULL AND created_at >= $1 AND created_at < $2${crisisUsers}
               UNION ALL
               SELECT user_id, (created_at AT TIME ZONE $3)::date, 0, 0, 1
                 FROM compliance_events
                WHERE created_at >= $1 AND created_at < $2${noticeUsers}) e
        GROUP BY user_id, day`,
      params,
    );
    return {
      days: rows.map((r) => ({
        userId: r.user_id as string,
        day: r.day as string,
        crisisEvents: Number(r.crisis),
        crisisReferrals: Number(r.referrals),
        noticesShown: Number(r.notices),
      })),
    };
  }

  /** The age band kept for each of these users that has one (the analytics roll-up). */
  async ageBands(userIds: readonly string[]): Promise<Map<string, string>> {
    const rows = await this.db.query<Row[]>(
      `SELECT user_id, age_band FROM safety_user_states
        WHERE user_id = ANY($1::varchar[]) AND age_band IS NOT NULL`,
      [userIds],
    );
    return new Map(rows.map((b) => [b.user_id as string, b.age_band as string]));
  }

  /**
   * Deletes the user's safety rows; crisis events stay for the yearly counts, with nothing that
   * names the user or their messages. Returns rows per table.
   */
  async deleteUserData(userId: string): Promise<Record<string, number>> {
    const del = (table: string, key = 'id') =>
      deleteInBatches(
        this.db,
        `DELETE FROM ${table} WHERE ${key} IN (SELECT ${key} FROM ${table} WHERE user_id = $1 LIMIT $2)
         RETURNING ${key}`,
        userId,
      );
    const anonymised = updatedRows(
      await this.db.query(
        `UPDATE crisis_events SET user_id = NULL, conversation_id = NULL, message_id = NULL,
                                  reply_id = NULL
          WHERE user_id = $1 RETURNING id`,
        [userId],
      ),
    ).length;
    return {
      safety_flags: await del('safety_flags'),
      compliance_events: await del('compliance_events'),
      safety_conversation_states: await del('safety_conversation_states', 'conversation_id'),
      safety_user_states: await del('safety_user_states', 'user_id'),
      crisis_events_anonymised: anonymised,
    };
  }
}
