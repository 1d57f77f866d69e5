import { Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { type DayWindow, userFilter } from '../common/day-window.js';
import { deleteInBatches, keysetRows } from '../common/keyset.js';
import { updatedRows } from '../common/sql-rows.js';
import { sendCarried, type CarriedWrite } from '../database/carried-writes.js';
import { jsonbObject, selectAs, type NamedColumns } from '../database/sql-parts.js';
import { RelaxedWrites, statementsOf, type Queryable } from '../database/statements.js';
import type { TurnAffect } from './fuse-affect.js';
import type { TextEmotion } from './text-emotion.js';

/** A turn's reading and the moods it moved, as stored (AffectRepository.turnWrite). */
export interface TurnAffectWrite {
  messageId: string;
  userId: string;
  conversationId: string;
  affect: TurnAffect;
  textEmotion: TextEmotion | null;
  conversationMood: unknown;
  userMood: unknown;
  /** The user's mood version the turn read: the write holds only if it is still this one. */
  userMoodVersion: number;
}

/** What assessing one user message needs from affect's own tables. */
export interface AffectState {
  voiceBaseline: unknown;
  userMood: unknown;
  /** The version of `userMood` read: a write based on it succeeds only if nobody wrote since. */
  userMoodVersion: number;
  conversationMood: unknown;
  /** The message was assessed before (a retried reply): its stored reading. */
  existing: { affect: TurnAffect; textEmotion: TextEmotion | null } | null;
}

/** A stored reading of a user message, as memory extraction shows it to its model. */
export interface StoredReading {
  messageId: string;
  valence: number;
  arousal: number;
  label: string;
  confidence: number;
  incongruence: string | null;
}

type Row = Record<string, unknown>;

/** What a turn reads: each field's name and the column it is read from. */
const STATE_COLUMNS: NamedColumns = [
  ['voice_baseline', 'us.voice_baseline'],
  ['user_mood', 'us.mood'],
  ['mood_version', 'us.mood_version'],
  ['conversation_mood', 'cs.mood'],
  ['existing_affect', 'ta.affect'],
  ['existing_text', 'ta.text_emotion'],
];

/** Where it is read from, for the message, user and conversation ids given as SQL. */
const STATE_FROM = (messageId: string, userId: string, conversationId: string) =>
  `FROM (SELECT 1) one
   LEFT JOIN affect_user_states us ON us.user_id = ${userId}
   LEFT JOIN affect_conversation_states cs ON cs.conversation_id = ${conversationId}
   LEFT JOIN turn_affects ta ON ta.message_id = ${messageId}`;

function toAffectState(r: Row): AffectState {
  return {
    voiceBaseline: r.voice_baseline ?? null,
    userMood: r.user_mood ?? null,
    userMoodVersion: Number(r.mood_version ?? 0),
    conversationMood: r.conversation_mood ?? null,
    existing: r.existing_affect
      ? {
          affect: r.existing_affect as TurnAffect,
          textEmotion: (r.existing_text as TextEmotion | null) ?? null,
        }
      : null,
  };
}

/** How many folded clip ids a user's state remembers (a job that runs twice folds once). */
const FOLDED_CLIPS_KEPT = 64;

/**
 * Postgres access for affect's own tables: turn_affects, affect_user_states and
 * affect_conversation_states. Always by message, user or conversation id.
 */
@Injectable()
export class AffectRepository {
  private readonly relaxed: Queryable;

  /** `relaxed`: where a turn's reading commits without waiting for the disk (default: `db`). */
  constructor(
    private readonly db: DataSource,
    @Optional() relaxed?: RelaxedWrites,
  ) {
    this.relaxed = relaxed ?? db;
  }

  /** The user's baseline and moods and any earlier reading of the message, in one query. */
  async state(messageId: string, userId: string, conversationId: string): Promise<AffectState> {
    const rows = await statementsOf(this.db).query<Row[]>(
      `SELECT ${selectAs(STATE_COLUMNS)}
         ${STATE_FROM('$1', '$2', '$3')}`,
      [messageId, userId, conversationId],
    );
    return toAffectState(rows[0] ?? {});
  }

  /**
   * The same state as a read the reply claim carries in its own statement (ClaimReads): jsonb,
   * parsed by `stateFromRead`.
   */
  static readonly stateRead = (ids: {
    userId: string;
    conversationId: string;
    messageId: string;
  }): string => {
    return `(SELECT ${jsonbObject(STATE_COLUMNS)} ${STATE_FROM(ids.messageId, ids.userId, ids.conversationId)})`;
  };

  /** What `stateRead` found. */
  static stateFromRead(json: unknown): AffectState {
    return toAffectState((json ?? {}) as Row);
  }

  /**
   * The turn's reading and the moods it moved, as a write for the reply's finish to carry (one
   * round trip for both; CarriedWrite), or for `send` to send alone. The moods change only if
   * the turn was not stored before (a retried reply does not count a turn twice). The user's mood
   * is written only if it is still the version read (`userMoodVersion`): when another turn of the
   * same user (another conversation) wrote it meanwhile, the write reports so and `settle` folds
   * this turn into the newer mood under the user's row lock (`foldUserMood` gets the stored mood
   * and returns the new one), so that neither update is lost. A conversation's turns never
   * overlap (its reply slot), so its mood needs no version.
   */
  turnWrite(input: TurnAffectWrite, foldUserMood: (stored: unknown) => unknown): CarriedWrite {
    const { affect } = input;
    return {
      statements: (p, name) => {
        const message = p(input.messageId);
        const user = p(input.userId);
        const conversation = p(input.conversationId);
        return [
          `INSERT INTO turn_affects (message_id, user_id, conversation_id, valence, arousal, label,
                                    confidence, incongruence, affect, text_emotion)
           VALUES (${message}, ${user}, ${conversation}, ${p(affect.valence)}, ${p(affect.arousal)},
                   ${p(affect.label)}, ${p(affect.confidence)}, ${p(affect.incongruence?.kind ?? null)},
                   ${p(JSON.stringify(affect))},
                   ${p(input.textEmotion ? JSON.stringify(input.textEmotion) : null)})
           ON CONFLICT (message_id) DO NOTHING RETURNING message_id`,
          `INSERT INTO affect_conversation_states (conversation_id, user_id, mood)
           SELECT ${conversation}, ${user}, ${p(JSON.stringify(input.conversationMood))}
            WHERE EXISTS (SELECT 1 FROM ${name(0)})
           ON CONFLICT (conversation_id) DO UPDATE SET mood = EXCLUDED.mood, updated_at = now()`,
          `INSERT INTO affect_user_states (user_id, mood, mood_version)
           SELECT ${user}, ${p(JSON.stringify(input.userMood))}, 1 WHERE EXISTS (SELECT 1 FROM ${name(0)})
           ON CONFLICT (user_id) DO UPDATE
             SET mood = EXCLUDED.mood, mood_version = affect_user_states.mood_version + 1,
                 updated_at = now()
           WHERE affect_user_states.mood_version = ${p(input.userMoodVersion)}
           RETURNING 1`,
        ];
      },
      report: (name) =>
        `jsonb_build_object('inserted', EXISTS (SELECT 1 FROM ${name(0)}),
                            'userMoodSaved', EXISTS (SELECT 1 FROM ${name(2)}))`,
      settle: async (report) => {
        const r = (report ?? {}) as { inserted?: boolean; userMoodSaved?: boolean };
        if (r.inserted && !r.userMoodSaved) await this.updateUserMood(input.userId, foldUserMood);
      },
    };
  }

  /** A write of this module's sent alone, on the pool whose commits need not wait for the disk. */
  send(write: CarriedWrite): Promise<void> {
    return sendCarried(this.relaxed, [write]);
  }

  /**
   * Folds one turn into the user's mood under the user's row lock, when the write with the turn
   * lost to another turn of the user (another conversation): `update` gets the stored mood and
   * returns the new one, so no turn's update is lost however many come at once.
   */
  async updateUserMood(userId: string, update: (stored: unknown) => unknown): Promise<unknown> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<Array<{ mood: unknown }>>(
        `SELECT mood FROM affect_user_states WHERE user_id = $1 FOR UPDATE`,
        [userId],
      );
      const mood = update(rows[0]?.mood ?? null);
      await tx.query(
        `INSERT INTO affect_user_states (user_id, mood, mood_version) VALUES ($1, $2, 1)
         ON CONFLICT (user_id) DO UPDATE
           SET mood = EXCLUDED.mood, mood_version = affect_user_states.mood_version + 1,
               updated_at = now()`,
        [userId, JSON.stringify(mood)],
      );
      return mood;
    });
  }

  async voiceBaseline(userId: string): Promise<unknown> {
    const rows = await this.db.query<Array<{ voice_baseline: unknown }>>(
      `SELECT voice_baseline FROM affect_user_states WHERE user_id = $1`,
      [userId],
    );
    return rows[0]?.voice_baseline ?? null;
  }

  /**
   * Folds one clip into its user's baseline under the user's row lock (two clips of one user
   * never overwrite each other's update), once: a clip already folded in is skipped. `update`
   * gets the stored baseline and returns the new one.
   */
  async updateVoiceBaseline(
    userId: string,
    messageId: string,
    update: (stored: unknown) => unknown,
  ): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO affect_user_states (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING`,
        [userId],
      );
      const rows = await tx.query<Array<{ voice_baseline: unknown; folded: boolean }>>(
        `SELECT voice_baseline, $2 = ANY(baseline_clip_ids) AS folded
           FROM affect_user_states WHERE user_id = $1 FOR UPDATE`,
        [userId, messageId],
      );
      const r = rows[0];
      if (!r || r.folded) return false;
      await tx.query(
        `UPDATE affect_user_states
            SET voice_baseline = $2,
                baseline_clip_ids = (array_append(baseline_clip_ids, $3::uuid))[greatest(1, cardinality(baseline_clip_ids) + 2 - $4):],
                updated_at = now()
          WHERE user_id = $1`,
        [userId, JSON.stringify(update(r.voice_baseline)), messageId, FOLDED_CLIPS_KEPT],
      );
      return true;
    });
  }

  /** The stored readings of these messages of the user (memory extraction shows them). */
  async readings(userId: string, messageIds: readonly string[]): Promise<StoredReading[]> {
    if (messageIds.length === 0) return [];
    const rows = await this.db.query<Row[]>(
      `SELECT message_id, valence, arousal, label, confidence, incongruence FROM turn_affects
        WHERE user_id = $1 AND message_id = ANY($2::uuid[])`,
      [userId, messageIds],
    );
    return rows.map((r) => ({
      messageId: r.message_id as string,
      valence: Number(r.valence),
      arousal: Number(r.arousal),
      label: r.label as string,
      confidence: Number(r.confidence),
      incongruence: (r.incongruence as string | null) ?? null,
    }));
  }

  /**
   * A conversation's readings in time order, the newest `limit` (the operator's mood timeline):
   * one per user message a reply answered.
   */
  async conversationTimeline(
    userId: string,
    conversationId: string,
    limit: number,
  ): Promise<Array<StoredReading & { at: string }>> {
    const rows = await this.db.query<Row[]>(
      `SELECT * FROM (
         SELECT message_id, valence, arousal, label, confidence, incongruence, created_at
           FROM turn_affects WHERE user_id = $1 AND conversation_id = $2
          ORDER BY created_at DESC LIMIT $3) t
        ORDER BY created_at`,
      [userId, conversationId, limit],
    );
    return rows.map((r) => ({
      messageId: r.message_id as string,
      valence: Number(r.valence),
      arousal: Number(r.arousal),
      label: r.label as string,
      confidence: Number(r.confidence),
      incongruence: (r.incongruence as string | null) ?? null,
      at: (r.created_at as Date).toISOString(),
    }));
  }

  /** The user's voice baseline and mood, and each conversation's mood (their export). */
  async exportStates(userId: string): Promise<{ user: Row | null; conversations: Row[] }> {
    const [user, conversations] = await Promise.all([
      this.db.query<Row[]>(
        `SELECT voice_baseline, mood, updated_at FROM affect_user_states WHERE user_id = $1`,
        [userId],
      ),
      this.db.query<Row[]>(
        `SELECT conversation_id, mood, updated_at FROM affect_conversation_states WHERE user_id = $1`,
        [userId],
      ),
    ]);
    return { user: user[0] ?? null, conversations };
  }

  /** How each of the user's messages was read, in time order, page by page. */
  exportReadings(userId: string): AsyncGenerator<Row> {
    return keysetRows(
      this.db,
      `SELECT message_id, conversation_id, valence, arousal, label, confidence, incongruence, affect,
              text_emotion, created_at, created_at::text AS k_at, message_id AS k_id
         FROM turn_affects
        WHERE user_id = $1 AND (created_at, message_id) > (coalesce($2::timestamptz, '-infinity'),
                                                           coalesce($3::uuid, '00000000-0000-0000-0000-000000000000'))
        ORDER BY created_at, message_id LIMIT $4`,
      userId,
    );
  }

  /**
   * The analytics roll-up's read (docs/analytics.md): per user and local day of `window`, the
   * sum and count of the turn readings' valence (the first-week mood breakdown).
   */
  async dailyValence(
    window: DayWindow,
  ): Promise<Array<{ userId: string; day: string; valenceSum: number; count: number }>> {
    const params: unknown[] = [window.from, window.to, window.timeZone];
    const users = userFilter(window, 'user_id', params);
    const rows = await this.db.query<Array<Record<string, unknown>>>(
      `SELECT user_id, to_char((created_at AT TIME ZONE $3)::date, 'YYYY-MM-DD') AS day,
              sum(valence) AS valence_sum, count(*) AS n
         FROM turn_affects WHERE created_at >= $1 AND created_at < $2${users}
        GROUP BY 1, 2`,
      params,
    );
    return rows.map((r) => ({
      userId: r.user_id as string,
      day: r.day as string,
      valenceSum: Number(r.valence_sum),
      count: Number(r.n),
    }));
  }

  /** Deletes every affect row of the user; returns rows removed per table. */
  async deleteUserData(userId: string): Promise<Record<string, number>> {
    const turnAffects = await deleteInBatches(
      this.db,
      `DELETE FROM turn_affects WHERE message_id IN
         (SELECT message_id FROM turn_affects WHERE user_id = $1 LIMIT $2) RETURNING message_id`,
      userId,
    );
    const conversationStates = updatedRows(
      await this.db.query(
        `DELETE FROM affect_conversation_states WHERE user_id = $1 RETURNING conversation_id`,
        [userId],
      ),
    ).length;
    const userStates = updatedRows(
      await this.db.query(`DELETE FROM affect_user_states WHERE user_id = $1 RETURNING user_id`, [
        userId,
      ]),
    ).length;
    return {
      turn_affects: turnAffects,
      affect_conversation_states: conversationStates,
      affect_user_states: userStates,
    };
  }
}
