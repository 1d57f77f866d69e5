import { Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { deleteInBatches, keysetRows } from '../common/keyset.js';
import type { Row } from '../common/sql-rows.js';
import { userFilter, type DayWindow } from '../common/day-window.js';
import { uuidv7 } from '../common/uuid.js';
import { RelaxedWrites, type Queryable } from '../database/statements.js';

export type FeedbackKind = 'rating' | 'edit' | 'regenerate' | 'choose' | 'followup';

export interface FeedbackAct {
  userId: string;
  replyId: string;
  conversationId: string;
  kind: FeedbackKind;
  rating?: 'up' | 'down' | null;
  reason?: string | null;
  text?: string | null;
  clientMsgId?: string | null;
  /** The experiment and variant that served the reply (from its route). */
  experiment?: string | null;
  variant?: string | null;
}

/** An act as training-data exports read it. */
export interface DatasetAct {
  id: string;
  userId: string;
  replyId: string;
  conversationId: string;
  kind: FeedbackKind;
  rating: 'up' | 'down' | null;
  text: string | null;
}

export interface StoredAct {
  id: string;
  userId: string;
  replyId: string;
  kind: FeedbackKind;
  rating: 'up' | 'down' | null;
  clientMsgId: string | null;
  createdAt: Date;
}

/** The one owner of `feedback_events` and `training_consents`. */
@Injectable()
export class FeedbackRepository {
  private readonly relaxed: Queryable;

  constructor(
    private readonly db: DataSource,
    @Optional() relaxed?: RelaxedWrites,
  ) {
    this.relaxed = relaxed ?? db;
  }

  /**
   * Reactions per user and local day, as the analytics roll-up reads them (counts only): the
   * replies whose rating the user settled on that day (the last rating of a reply counts, on the
   * day it was given), by rating, and the regenerates asked for that day.
   */
  async dailyReactions(window: DayWindow): Promise<
    Array<{
      userId: string;
      day: string;
      thumbsUp: number;
      thumbsDown: number;
      regenerates: number;
    }>
  > {
    const params: unknown[] = [window.from, window.to, window.timeZone];
    const users = userFilter(window, 'f.user_id', params);
    const rows = await this.db.query<Row[]>(
      `SELECT user_id, to_char(day, 'YYYY-MM-DD') AS day,
              count(*) FILTER (WHERE kind = 'rating' AND rating = 'up' AND last)::int AS up,
              count(*) FILTER (WHERE kind = 'rating' AND rating = 'down' AND last)::int AS down,
              count(*) FILTER (WHERE kind = 'regenerate')::int AS regenerates
         FROM (SELECT f.user_id, f.kind, f.rating, (f.created_at AT TIME ZONE $3)::date AS day,
                      f.kind <> 'rating' OR NOT EXISTS (
                        SELECT 1 FROM feedback_events g
                         WHERE g.reply_id = f.reply_id AND g.kind = 'rating'
                           AND (g.created_at, g.id) > (f.created_at, f.id)) AS last
                 FROM feedback_events f
                WHERE f.created_at >= $1 AND f.created_at < $2
                  AND f.kind IN ('rating', 'regenerate')${users}) e
        GROUP BY user_id, day`,
      params,
    );
    return rows.map((r) => ({
      userId: r.user_id as string,
      day: r.day as string,
      thumbsUp: Number(r.up),
      thumbsDown: Number(r.down),
      regenerates: Number(r.regenerates),
    }));
  }

  /** The act stored under this clientMsgId of the user, if any (a retry). */
  async findByClientMsgId(userId: string, clientMsgId: string): Promise<StoredAct | null> {
    const rows = await this.db.query<Row[]>(
      `SELECT id, user_id, reply_id, kind, rating, client_msg_id, created_at FROM feedback_events
        WHERE user_id = $1 AND client_msg_id = $2`,
      [userId, clientMsgId],
    );
    return rows[0] ? toAct(rows[0]) : null;
  }

  /**
   * Stores an act once per (user, clientMsgId); a repeat stores nothing and returns the act stored
   * first, with `duplicate`.
   */
  async record(act: FeedbackAct): Promise<{ act: StoredAct; duplicate: boolean }> {
    const rows = await this.db.query<Row[]>(
      `INSERT INTO feedback_events (id, user_id, reply_id, conversation_id, kind, rating, reason, text,
                                    client_msg_id, experiment, variant)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (user_id, client_msg_id) WHERE client_msg_id IS NOT NULL DO NOTHING
       RETURNING id, user_id, reply_id, kind, rating, client_msg_id, created_at`,
      [
        uuidv7(),
        act.userId,
        act.replyId,
        act.conversationId,
        act.kind,
        act.rating ?? null,
        act.reason ?? null,
        act.text ?? null,
        act.clientMsgId ?? null,
        act.experiment ?? null,
        act.variant ?? null,
      ],
    );
    if (rows[0]) return { act: toAct(rows[0]), duplicate: false };
    const stored = await this.findByClientMsgId(act.userId, act.clientMsgId!);
    if (!stored) throw new Error('feedback act vanished after a conflict');
    return { act: stored, duplicate: true };
  }

  /** Acts the server observed (positive follow-ups), many in one statement, not waiting for the disk. */
  async recordMany(acts: readonly FeedbackAct[]): Promise<void> {
    if (acts.length === 0) return;
    await this.relaxed.query(
      `INSERT INTO feedback_events (id, user_id, reply_id, conversation_id, kind, experiment, variant)
       SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::uuid[], $4::uuid[], $5::varchar[],
                            $6::varchar[], $7::varchar[])
       ON CONFLICT DO NOTHING`,
      [
        acts.map(() => uuidv7()),
        acts.map((a) => a.userId),
        acts.map((a) => a.replyId),
        acts.map((a) => a.conversationId),
        acts.map((a) => a.kind),
        acts.map((a) => a.experiment ?? null),
        acts.map((a) => a.variant ?? null),
      ],
    );
  }

  /** What the user did about a reply, oldest first (the operator's trace view). */
  async actsOf(replyId: string): Promise<
    Array<{
      kind: FeedbackKind;
      rating: string | null;
      reason: string | null;
      text: string | null;
      at: string;
    }>
  > {
    const rows = await this.db.query<Row[]>(
      `SELECT kind, rating, reason, text, created_at FROM feedback_events WHERE reply_id = $1
        ORDER BY created_at, id LIMIT 200`,
      [replyId],
    );
    return rows.map((r) => ({
      kind: r.kind as FeedbackKind,
      rating: (r.rating as string | null) ?? null,
      reason: (r.reason as string | null) ?? null,
      text: (r.text as string | null) ?? null,
      at: (r.created_at as Date).toISOString(),
    }));
  }

  /** The reply's current rating: the latest `rating` act. */
  async ratingOf(replyId: string): Promise<'up' | 'down' | null> {
    const rows = await this.db.query<Array<{ rating: 'up' | 'down' }>>(
      `SELECT rating FROM feedback_events WHERE reply_id = $1 AND kind = 'rating'
        ORDER BY created_at DESC, id DESC LIMIT 1`,
      [replyId],
    );
    return rows[0]?.rating ?? null;
  }

  /**
   * A page of acts that make training examples of `kind` (docs/model-loop.md), in (time, id)
   * order after `after`, within [since, until), of users whose latest consent is yes:
   *   sft: a reply's latest edit; its latest rating when up and it has no edit; its first
   *        positive follow-up when it has no rating and no edit
   *   dpo: a reply's latest edit; the latest choice of a version
   *   kto: a reply's latest rating
   */
  async datasetActs(
    kind: 'sft' | 'dpo' | 'kto',
    window: { since: Date; until: Date },
    after: [string, string] | null,
    limit: number,
  ): Promise<Array<DatasetAct & { key: [string, string] }>> {
    const latest = (k: string) => `NOT EXISTS (SELECT 1 FROM feedback_events l
        WHERE l.reply_id = e.reply_id AND l.kind = '${k}' AND (l.created_at, l.id) > (e.created_at, e.id))`;
    const has = (k: string) =>
      `EXISTS (SELECT 1 FROM feedback_events h WHERE h.reply_id = e.reply_id AND h.kind = '${k}')`;
    const filter = {
      sft: `(e.kind = 'edit' AND ${latest('edit')})
         OR (e.kind = 'rating' AND e.rating = 'up' AND ${latest('rating')} AND NOT ${has('edit')})
         OR (e.kind = 'followup' AND NOT ${has('rating')} AND NOT ${has('edit')}
             AND NOT EXISTS (SELECT 1 FROM feedback_events f WHERE f.reply_id = e.reply_id
                              AND f.kind = 'followup' AND (f.created_at, f.id) < (e.created_at, e.id)))`,
      dpo: `(e.kind = 'edit' AND ${latest('edit')}) OR (e.kind = 'choose' AND ${latest('choose')})`,
      kto: `e.kind = 'rating' AND ${latest('rating')}`,
    }[kind];
    const rows = await this.db.query<Row[]>(
      `SELECT e.id, e.user_id, e.reply_id, e.conversation_id, e.kind, e.rating, e.text,
              e.created_at::text AS k_at
         FROM feedback_events e
        WHERE e.created_at >= $1 AND e.created_at < $2
          AND (e.created_at, e.id) > (coalesce($3::timestamptz, '-infinity'),
                                      coalesce($4::uuid, '00000000-0000-0000-0000-000000000000'))
          AND (${filter})
          AND (SELECT c.training FROM training_consents c WHERE c.user_id = e.user_id
                ORDER BY c.created_at DESC, c.id DESC LIMIT 1) IS TRUE
        ORDER BY e.created_at, e.id LIMIT $5`,
      [window.since, window.until, after?.[0] ?? null, after?.[1] ?? null, limit],
    );
    return rows.map((r) => ({
      id: r.id as string,
      userId: r.user_id as string,
      replyId: r.reply_id as string,
      conversationId: r.conversation_id as string,
      kind: r.kind as FeedbackKind,
      rating: (r.rating as 'up' | 'down' | null) ?? null,
      text: (r.text as string | null) ?? null,
      key: [r.k_at as string, r.id as string],
    }));
  }

  /**
   * An experiment's reactions per variant: the thumbs-up rate's per-user sums (each reply's latest
   * rating; x = ups, y = rated replies, users as the unit) and the counts of regenerates and edits.
   */
  async variantFeedback(key: string): Promise<
    Array<{
      variant: string;
      sums: { users: number; num: number; den: number; num2: number; den2: number; numDen: number };
      regenerates: number;
      edits: number;
    }>
  > {
    const rows = await this.db.query<Row[]>(
      `WITH latest AS (
         SELECT DISTINCT ON (reply_id) reply_id, user_id, variant, rating
           FROM feedback_events WHERE experiment = $1 AND kind = 'rating'
          ORDER BY reply_id, created_at DESC, id DESC),
       per_user AS (
         SELECT variant, user_id, count(*) FILTER (WHERE rating = 'up')::float AS x, count(*)::float AS y
           FROM latest GROUP BY variant, user_id),
       sums AS (
         SELECT variant, count(*) AS users, sum(x) AS num, sum(y) AS den, sum(x * x) AS num2,
                sum(y * y) AS den2, sum(x * y) AS num_den FROM per_user GROUP BY variant),
       acts AS (
         SELECT variant, count(*) FILTER (WHERE kind = 'regenerate') AS regenerates,
                count(*) FILTER (WHERE kind = 'edit') AS edits
           FROM feedback_events WHERE experiment = $1 GROUP BY variant)
       SELECT coalesce(s.variant, a.variant) AS variant, s.users, s.num, s.den, s.num2, s.den2, s.num_den,
              a.regenerates, a.edits
         FROM sums s FULL JOIN acts a ON a.variant = s.variant`,
      [key],
    );
    return rows.map((r) => ({
      variant: r.variant as string,
      sums: {
        users: Number(r.users ?? 0),
        num: Number(r.num ?? 0),
        den: Number(r.den ?? 0),
        num2: Number(r.num2 ?? 0),
        den2: Number(r.den2 ?? 0),
        numDen: Number(r.num_den ?? 0),
      },
      regenerates: Number(r.regenerates ?? 0),
      edits: Number(r.edits ?? 0),
    }));
  }

  // --- training consent ------------------------------------------------------------------------

  async recordConsent(
    userId: string,
    training: boolean,
    version: string,
  ): Promise<{ training: boolean; version: string; at: Date }> {
    const rows = await this.db.query<Array<{ created_at: Date }>>(
      `INSERT INTO training_consents (id, user_id, training, version) VALUES ($1, $2, $3, $4)
       RETURNING created_at`,
      [uuidv7(), userId, training, version],
    );
    return { training, version, at: rows[0].created_at };
  }

  /** The user's latest answer; null when they never gave one (which means no). */
  async consentOf(
    userId: string,
  ): Promise<{ training: boolean; version: string; at: Date } | null> {
    const rows = await this.db.query<
      Array<{ training: boolean; version: string; created_at: Date }>
    >(
      `SELECT training, version, created_at FROM training_consents WHERE user_id = $1
        ORDER BY created_at DESC, id DESC LIMIT 1`,
      [userId],
    );
    const r = rows[0];
    return r ? { training: r.training, version: r.version, at: r.created_at } : null;
  }

  // --- the user's export and deletion ------------------------------------------------------------

  async *exportUserData(userId: string): AsyncGenerator<{ type: string; row: Row }> {
    for await (const row of keysetRows(
      this.db,
      `SELECT id, user_id, training, version, created_at, created_at::text AS k_at, id AS k_id
         FROM training_consents
        WHERE user_id = $1 AND (created_at, id) > (coalesce($2::timestamptz, '-infinity'),
                                                    coalesce($3::uuid, '00000000-0000-0000-0000-000000000000'))
        ORDER BY created_at, id LIMIT $4`,
      userId,
    )) {
      yield { type: 'trainingConsent', row };
    }
    for await (const row of keysetRows(
      this.db,
      `SELECT id, reply_id, conversation_id, kind, rating, reason, text, client_msg_id, created_at,
              created_at::text AS k_at, id AS k_id
         FROM feedback_events
        WHERE user_id = $1 AND (created_at, id) > (coalesce($2::timestamptz, '-infinity'),
                                                    coalesce($3::uuid, '00000000-0000-0000-0000-000000000000'))
        ORDER BY created_at, id LIMIT $4`,
      userId,
    )) {
      yield { type: 'feedback', row };
    }
  }

  async deleteUserData(userId: string): Promise<Record<string, number>> {
    return {
      feedback_events: await deleteInBatches(
        this.db,
        `DELETE FROM feedback_events WHERE id IN
           (SELECT id FROM feedback_events WHERE user_id = $1 LIMIT $2) RETURNING id`,
        userId,
      ),
      training_consents: await deleteInBatches(
        this.db,
        `DELETE FROM training_consents WHERE id IN
           (SELECT id FROM training_consents WHERE user_id = $1 LIMIT $2) RETURNING id`,
        userId,
      ),
    };
  }
}

function toAct(r: Row): StoredAct {
  return {
    id: r.id as string,
    userId: r.user_id as string,
    replyId: r.reply_id as string,
    kind: r.kind as FeedbackKind,
    rating: (r.rating as 'up' | 'down' | null) ?? null,
    clientMsgId: (r.client_msg_id as string | null) ?? null,
    createdAt: r.created_at as Date,
  };
}
