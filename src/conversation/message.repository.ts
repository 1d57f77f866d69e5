import { Injectable, Optional } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  RelaxedWrites,
  statementsOf,
  type Queryable as RelaxedQueryable,
} from '../database/statements.js';
import { type DayWindow, userFilter } from '../common/day-window.js';
import { deleteInBatches, keysetRows } from '../common/keyset.js';
import { FORGOTTEN } from '../common/forgotten.js';
import { updatedRows, type Row } from '../common/sql-rows.js';
import { uuidv7 } from '../common/uuid.js';
import { encodeTerms } from '../memory/recall/text-terms.js';
import { ConversationErrorCode, ConversationException } from './conversation.exception.js';
import {
  sendCarried,
  settleCarried,
  withCarried,
  type CarriedWrite,
} from '../database/carried-writes.js';
import { placeholders } from '../database/sql-parts.js';
import type { MessageEntity, MessageKind, MessageStatus, ReplyRoute } from './message.entity.js';

const PG_UNIQUE_VIOLATION = '23505';

/** A statement runner: the DataSource, or the EntityManager of a transaction another module opened. */
export type Queryable = Pick<DataSource | EntityManager, 'query'>;

export interface StoredUserMessage {
  message: MessageEntity;
  /** The clientMsgId was stored before; nothing new was written. */
  duplicate: boolean;
  /**
   * When the insert was asked to claim the reply slot too: what the claim found (null: nothing
   * to claim, as when a reply streams). Absent when no claim was asked or it was not made (a
   * repeat, or the claim could not run and the message was stored alone).
   */
  claimed?: ClaimOutcome;
}

export interface ReplyOutcome {
  status: Exclude<MessageStatus, 'received' | 'streaming'>;
  content: string;
  contentTokens: number | null;
  errorCode: string | null;
  model: string | null;
  promptVersion: string | null;
  ttftMs: number | null;
  totalMs: number | null;
  promptTokens: number | null;
  completionTokens: number | null;
  /** Who wrote it (default `model`). */
  source?: 'model' | 'protocol' | 'operator';
  /** The category of the sentence the output check withheld, with everything after it. */
  outputBlocked?: string | null;
  /** How the turn was routed (absent for a reply no route chose: the crisis protocol). */
  route?: ReplyRoute | null;
}

/** One user's local day of messages, as the analytics roll-up reads it. */
export interface DailyActivityRow {
  userId: string;
  /** YYYY-MM-DD in the window's zone. */
  day: string;
  messages: number;
  voiceMessages: number;
  replies: number;
  lateNightMessages: number;
  firstMessageAt: Date | null;
  lastMessageAt: Date | null;
  firstVoiceAt: Date | null;
  lastVoiceAt: Date | null;
  platform: string | null;
  appVersion: string | null;
  signupDay: string | null;
}

/** One session: a run of a user's messages without a long gap (docs/analytics.md#sessions). */
export interface SessionRow {
  userId: string;
  startedAt: Date;
  day: string;
  seconds: number;
  messages: number;
}

/** An experiment variant's replies, as results and guardrails read them. */
export interface VariantTurnStats {
  variant: string;
  users: number;
  turns: number;
  failed: number;
  /** Replies of the crisis protocol. */
  crisis: number;
  p95Ms: number | null;
  turnsPerConversation: number;
  d1: { returned: number; eligible: number };
  d7: { returned: number; eligible: number };
}

/** A message as training-data exports read it. */
export interface TrainingMessage {
  id: string;
  userId: string;
  conversationId: string;
  role: 'user' | 'assistant';
  content: string;
  status: MessageStatus;
  source: string;
  inReplyTo: string | null;
  /** Deleted by an operator, or forgotten at the user's asking: never trained on. */
  gone: boolean;
  /** Another version of the reply is the one shown. */
  replaced: boolean;
}

/** Why a regenerate or a choice of version was refused (the feedback module's codes). */
export type VersionOutcome =
  'ok' | 'reply_not_found' | 'reply_not_owned' | 'reply_streaming' | 'reply_not_latest';

/** The user message a claimed reply answers, as the turn needs it. */
export interface AnsweringMessage {
  id: string;
  seq: number;
  kind: MessageKind;
  content: string;
  contentTokens: number | null;
  clientMsgId: string | null;
  createdAt: Date;
}

/** A turn of the conversation as a prompt shows it. */
export interface HistoryMessage {
  id: string;
  seq: number;
  role: 'user' | 'assistant';
  content: string;
  contentTokens: number | null;
}

/**
 * The claim found messages owed a reply in a conversation an operator has taken over: they are
 * settled (the operator answers them) and no reply slot was claimed.
 */
export interface TakenOverClaim {
  takenOverBy: string;
  conversationId: string;
  userId: string;
  /** The user messages settled, oldest first. */
  settled: string[];
}

/** A reply slot just claimed: the streaming reply row, what it answers, and what precedes it. */
export type ClaimedReply = MessageEntity & {
  answering: AnsweringMessage;
  /** Every user message the reply answers (owed a reply, up to `answering`), oldest first. */
  answered: Array<{ id: string; kind: MessageKind }>;
  /** The conversation's rolling summary, if it has one. */
  summary: string | null;
  /**
   * The turns after what the summary covers and before the reply that a prompt may show (user
   * messages, replies the user saw to the end or stopped), the newest `historyLimit`, oldest
   * first; the last is `answering`.
   */
  history: HistoryMessage[];
  /**
   * The user said things the prompt does not carry: in another conversation, or in this one
   * before the history or its summary (recall has something to search).
   */
  olderTurns: boolean;
  /** What is kept on the user (the app's or token's last word), for turns a sweep starts. */
  userTimeZone: string | null;
  userLocale: string | null;
  /** What each read carried by the claim (`ClaimReads`) found, by its name, as JSON. */
  reads: Record<string, unknown>;
};

/**
 * A read another module adds to the claim's own statement, so that a turn starts with its state
 * in the same round trip: a SQL expression of type jsonb over the claimed turn's ids (SQL
 * expressions themselves: the user, the conversation, the message answered and when it was
 * sent), its own values given through `p` (which returns each one's placeholder). Written and
 * parsed by the module that owns the tables it reads.
 */
export type ClaimRead = (
  ids: { userId: string; conversationId: string; messageId: string; messageCreatedAt: string },
  p: (value: unknown) => string,
) => string;

/** Reads by name. */
export type ClaimReads = Record<string, ClaimRead>;

/** What a claim of a conversation's reply slot asks for (`startReply`, or a text message's insert). */
export interface ReplyClaim {
  /** The process that streams the reply, and how long its lease lasts before renewal. */
  owner: string;
  leaseMs: number;
  /** Only user messages newer than this seq are answered. */
  afterSeq?: number;
  turnId?: string;
  /** The newest turns of history to read (PROMPT_HISTORY_MAX_MESSAGES). */
  historyLimit?: number;
  /** Other modules' reads, carried by the same statement. */
  reads?: ClaimReads;
}

/** What a claim found: a reply slot, a conversation an operator holds, or nothing owed or free. */
export type ClaimOutcome = ClaimedReply | TakenOverClaim | null;

/** A reply's final state as stored, and whether user messages that came after it wait for one. */
export type FinishedReply = MessageEntity & { moreDue: boolean };

/** A turn as recall reads it (src/memory/recall), newest first. */
export interface RecallTurnRow {
  messageId: string;
  conversationId: string;
  seq: number;
  role: 'user' | 'assistant';
  content: string;
  createdAt: Date;
  /** recall's stored index terms, when asked for. */
  searchTerms: string | null;
  /** The stored embedding when it was made by the model asked for. */
  embedding: Buffer | null;
}

/** A turn as memory extraction reads it, in (time, id) order. */
export interface ExtractionTurnRow {
  id: string;
  role: 'user' | 'assistant';
  kind: MessageKind;
  content: string;
  createdAt: Date;
  /** `createdAt` as Postgres text: microseconds kept, for extraction's cursor. */
  atText: string;
}

/** What reads of messages select: every column the service maps, not the embedding bytes. */
const MESSAGE_COLUMNS = `id, conversation_id, user_id, seq, role, kind, content, content_tokens, search_terms,
  memory_excluded, client_msg_id, in_reply_to, status, error_code, model, prompt_version, ttft_ms, total_ms,
  prompt_tokens, completion_tokens, lease_owner, lease_expires_at, reply_due_at, reply_attempts, turn_id,
  source, output_blocked, deleted_at, route, replaced_at, created_at, completed_at`;

/**
 * The turns a prompt, recall, extraction and summaries may use: user messages, and replies the
 * user saw to the end or stopped. Failed and streaming replies never reach a prompt, nor a reply
 * version another one replaced (a regenerate, the user's choice).
 */
const SHOWN_TURN = `content <> '' AND replaced_at IS NULL AND (role = 'user' OR status IN ('completed', 'cancelled'))`;

/**
 * A conversation's title from a message's text (a SQL expression): its first 60 characters, runs
 * of white space as one space; null when there are none.
 */
function titleOf(text: string): string {
  return `nullif(left(btrim(regexp_replace(${text}, '\\s+', ' ', 'g')), 60), '')`;
}

/**
 * A conversation's title read again from its first user message with words that are still to be
 * shown (after a forget, its undo or an operator's delete). `kept` is a SQL condition on `m`, the
 * candidate message: the statement that changes messages sees them as they were, so it names the
 * ones it changes.
 */
function retitled(kept: string): string {
  return `(SELECT ${titleOf('m.content')} FROM messages m
            WHERE m.conversation_id = c.id AND m.role = 'user' AND m.content <> ''
              AND m.deleted_at IS NULL AND ${kept}
            ORDER BY m.seq LIMIT 1)`;
}

/**
 * The one owner of `users`, `conversations` and `messages`: every statement against them is
 * here, and every one is scoped by user or conversation. Other modules ask through these methods;
 * the few that must write in the same transaction as their own table pass its EntityManager.
 */
@Injectable()
export class MessageRepository {
  private readonly relaxed: RelaxedQueryable;

  /** `relaxed`: where the reply-slot claim commits without waiting for the disk (default: `db`). */
  constructor(
    private readonly db: DataSource,
    @Optional() relaxed?: RelaxedWrites,
  ) {
    this.relaxed = relaxed ?? db;
  }

  /** Prepared statements for what every turn runs (planned once per connection). */
  private get sql() {
    return statementsOf(this.db);
  }

  async findByClientMsgId(userId: string, clientMsgId: string): Promise<MessageEntity | null> {
    const rows = await this.sql.query<Row[]>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE user_id = $1 AND client_msg_id = $2`,
      [userId, clientMsgId],
    );
    return rows[0] ? rowToMessage(rows[0]) : null;
  }

  /**
   * Stores a user message exactly once per (user, clientMsgId), in one statement: the user row if
   * new, the conversation (created when no id is given, else locked and checked for ownership),
   * the next seq, the message. A repeat of the clientMsgId fails the whole statement (nothing is
   * written, no seq is used) and returns the stored message instead. A text message is owed a
   * reply from here on; a voice message once its transcript is stored (`setTranscript`).
   * Inside another module's transaction (`tx`), a repeat rolls that transaction back: the caller
   * looks the stored message up afterwards.
   */
  async insertUserMessage(
    input: {
      userId: string;
      clientMsgId: string;
      conversationId?: string;
      content: string;
      contentTokens: number | null;
      kind: MessageKind;
      /** What the app said of the user now: kept on the user when it changed. */
      locale?: string | null;
      timeZone?: string | null;
      /** The app's platform and version from the handshake: kept on the user when changed. */
      platform?: string | null;
      appVersion?: string | null;
      /**
       * A SQL condition on the user id (the placeholder it is given) that must hold for the
       * message to be stored, checked in the insert's own statement (the sender's restrictions:
       * ModerationRepository.maySendSql). When it does not hold nothing is written and the insert
       * throws `conversation_not_found`, which the caller, knowing the condition, reads again to
       * say what refused it.
       */
      guard?: (userParam: string) => string;
    },
    tx?: EntityManager,
    /**
     * Claim the conversation's reply slot in the same statement (a text message whose turn has
     * its place at the model already): the turn starts without a round trip of its own. If the
     * claim cannot run, the message is stored alone and `claimed` is absent.
     */
    claim?: ReplyClaim,
  ): Promise<StoredUserMessage> {
    const guard = input.guard?.('$3') ?? 'true';
    // The user row is written first (`usr_first`), so that a claim in the same statement finds it.
    // The conversation counts the message and, until it has a title, takes one from the first
    // words of a text message (a voice message's come with its transcript: setTranscript).
    const firstWords = `CASE WHEN $9::boolean THEN ${titleOf('$5::text')} END`;
    const conversation = input.conversationId
      ? `UPDATE conversations
            SET last_seq = last_seq + 1, message_count = message_count + 1,
                title = coalesce(title, ${firstWords}), last_message_at = now(), updated_at = now()
           FROM (SELECT count(*) FROM usr) AS usr_first
          WHERE id = $2 AND user_id = $3 AND ${guard} RETURNING id, last_seq`
      : `INSERT INTO conversations (id, user_id, last_seq, message_count, title, last_message_at)
         SELECT $2, $3, 1, 1, ${firstWords}, now()
           FROM (SELECT count(*) FROM usr) AS usr_first WHERE ${guard}
         RETURNING id, last_seq`;
    const text = input.kind === 'text';
    const at = Date.now();
    const searchTerms = text && input.content ? encodeTerms(input.content) : null;
    const values: unknown[] = [
      uuidv7(at),
      input.conversationId ?? uuidv7(),
      input.userId,
      input.kind,
      input.content,
      input.contentTokens,
      input.clientMsgId,
      searchTerms,
      text && input.content.length > 0,
      input.locale ?? null,
      input.timeZone ?? null,
      input.platform ?? null,
      input.appVersion ?? null,
    ];
    const insert = `WITH usr AS (INSERT INTO users (id, locale, time_zone, platform, app_version)
                      VALUES ($3, $10, $11, $12, $13)
                      ON CONFLICT (id) DO UPDATE
                        SET locale = coalesce(EXCLUDED.locale, users.locale),
                            time_zone = coalesce(EXCLUDED.time_zone, users.time_zone),
                            platform = coalesce(EXCLUDED.platform, users.platform),
                            app_version = coalesce(EXCLUDED.app_version, users.app_version)
                      WHERE EXCLUDED.locale IS DISTINCT FROM users.locale AND EXCLUDED.locale IS NOT NULL
                         OR EXCLUDED.time_zone IS DISTINCT FROM users.time_zone AND EXCLUDED.time_zone IS NOT NULL
                         OR EXCLUDED.platform IS DISTINCT FROM users.platform AND EXCLUDED.platform IS NOT NULL
                         OR EXCLUDED.app_version IS DISTINCT FROM users.app_version AND EXCLUDED.app_version IS NOT NULL
                      RETURNING id),
              conv AS (${conversation}),
              ins AS (
         INSERT INTO messages (id, conversation_id, user_id, seq, role, kind, content, content_tokens,
                               client_msg_id, status, search_terms, reply_due_at)
         SELECT $1, conv.id, $3, conv.last_seq, 'user', $4, $5, $6, $7, 'received', $8,
                CASE WHEN $9::boolean THEN now() END
           FROM conv
         RETURNING ${MESSAGE_COLUMNS})`;
    const stored = async (withClaim: ReplyClaim | undefined): Promise<StoredUserMessage> => {
      const params = [...values];
      // The claim reads what the insert wrote: companion_claim_reply runs after it, in the same
      // statement, and its own queries see the message (a function's statements take their own
      // snapshot). A conversation nothing is owed in, or whose reply streams, claims nothing.
      // The reply row has the message's created_at (one transaction): its id, a millisecond
      // later, keeps it after the message in (created_at, id) order, as memory extraction's
      // cursor reads the user's turns.
      const claiming = withClaim
        ? claimQuery('ins.conversation_id', withClaim, params, at + 1)
        : null;
      const rows = await (tx ?? this.sql).query<Row[]>(
        claiming
          ? `${insert} SELECT ${INSERTED_COLUMNS}, ${claiming.columns}
                FROM ins LEFT JOIN LATERAL ${claiming.from} ON true`
          : `${insert} SELECT * FROM ins`,
        params,
      );
      if (!rows[0]) throw conversationNotFound(input.conversationId!);
      if (!claiming) return { message: rowToMessage(rows[0]), duplicate: false };
      // The statement returns what the database chose; the rest is what was written.
      const r = rows[0];
      const message = rowToMessage({
        ...NEW_USER_MESSAGE,
        id: r.inserted_id,
        conversation_id: r.inserted_conversation_id,
        user_id: input.userId,
        seq: r.inserted_seq,
        kind: input.kind,
        content: input.content,
        content_tokens: input.contentTokens,
        search_terms: searchTerms,
        client_msg_id: input.clientMsgId,
        reply_due_at: r.inserted_reply_due_at,
        created_at: r.inserted_created_at,
      });
      return {
        message,
        duplicate: false,
        claimed: claimOutcome(rows[0], claiming.names, message.conversationId),
      };
    };
    try {
      try {
        return await stored(claim);
      } catch (e) {
        // The claim failed the statement (a reply slot another process claimed at the same
        // moment, or a stage's read): the message is what must not be lost, so it is stored alone.
        if (!claim || !isClaimFailure(e)) throw e;
        return await stored(undefined);
      }
    } catch (e) {
      if (!tx && isUniqueViolation(e, 'UQ_messages_user_client_msg')) {
        const stored = await this.findByClientMsgId(input.userId, input.clientMsgId);
        if (stored) return { message: stored, duplicate: true };
      }
      throw e;
    }
  }

  /**
   * A resend of a stored message whose reply failed or never came: it is owed a reply again, with
   * a fresh count of automatic attempts. False when it is already answered (a completed or
   * cancelled reply after it) or has no text yet.
   */
  async rearmReply(messageId: string): Promise<boolean> {
    // Under the conversation's lock (companion_rearm_reply), so that a reply finishing at the
    // same moment is seen and the message is not answered twice.
    const rows = await this.sql.query<Array<{ rearmed: boolean }>>(
      `SELECT companion_rearm_reply($1) AS rearmed`,
      [messageId],
    );
    return rows[0]?.rearmed === true;
  }

  /**
   * Claims the conversation's single reply slot for the latest user message owed a reply (newer
   * than `afterSeq` when given): a `streaming` row leased to `owner`, tagged with `turnId`, and
   * reads what the prompt takes from the conversation (summary, history). Null when nothing is
   * owed or another reply streams (on any pod). Checked, written and read under the
   * conversation's row lock by `companion_claim_reply` (migrations/…-TurnPipeline.ts), in one
   * round trip.
   */
  async startReply(input: ReplyClaim & { conversationId: string }): Promise<ClaimOutcome> {
    const values: unknown[] = [input.conversationId];
    const claiming = claimQuery('$1', input, values);
    try {
      // Its commit need not wait for the disk: a claim lost in a database crash leaves the
      // message owed a reply, and the awaiting-reply sweep answers it (RelaxedWrites).
      const rows = await this.relaxed.query<Row[]>(
        `SELECT ${claiming.columns} FROM ${claiming.from}`,
        values,
      );
      return rows[0] ? claimOutcome(rows[0], claiming.names, input.conversationId) : null;
    } catch (e) {
      if (isUniqueViolation(e, 'UQ_messages_streaming_reply')) return null;
      throw e;
    }
  }

  /**
   * Writes the reply's final state, and settles the user messages it answered (they are owed
   * nothing more), in one round trip under the conversation's lock (`companion_finish_reply`).
   * Null if it was no longer streaming (the recovery sweep failed it first). `moreDue` says a
   * user message that came while it streamed waits for a reply of its own.
   */
  async finishReply(
    replyId: string,
    outcome: ReplyOutcome,
    /**
     * Other modules' writes of the turn, carried by the same statement (one round trip); their
     * `took` is true when the finish found the reply still streaming.
     */
    carried: readonly CarriedWrite[] = [],
  ): Promise<FinishedReply | null> {
    const values: unknown[] = [
      replyId,
      outcome.status,
      outcome.content,
      outcome.contentTokens,
      outcome.errorCode,
      outcome.model,
      outcome.promptVersion,
      outcome.ttftMs,
      outcome.totalMs,
      outcome.promptTokens,
      outcome.completionTokens,
      outcome.content ? encodeTerms(outcome.content) : null,
      outcome.source ?? 'model',
      outcome.outputBlocked ?? null,
      outcome.route ? JSON.stringify(outcome.route) : null,
    ];
    // The finish runs first, in a CTE of its own (materialised: it runs once), so that a carried
    // write that belongs to a finished reply only (its trace) can be conditioned on it.
    const carrying = withCarried(values, carried, {
      ctes: `finished AS MATERIALIZED (
               SELECT f.reply, f.more_due
                 FROM companion_finish_reply($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
                                             $13, $14, $15) f)`,
      took: 'EXISTS (SELECT 1 FROM finished)',
    });
    // One row even when the finish finds nothing, for the carried writes' reports: they ran.
    const rows = await this.sql.query<Row[]>(
      `${carrying.with}SELECT (f.reply).*, f.more_due, ${carrying.reports} AS carried_reports
         FROM (SELECT 1) AS one
         LEFT JOIN finished f ON true`,
      values,
    );
    const r = rows[0];
    await settleCarried(carried, r?.carried_reports);
    return r && r.id !== null ? { ...rowToMessage(r), moreDue: Boolean(r.more_due) } : null;
  }

  /** Writes that a statement was to carry, alone (that statement failed). */
  sendCarried(carried: readonly CarriedWrite[]): Promise<void> {
    return sendCarried(this.sql, carried);
  }

  /**
   * Asks for a new version of the user's latest reply (companion_regenerate_reply): the versions
   * so far are marked replaced and the message they answer is owed a reply again, under the
   * conversation's lock. The caller starts the turn that answers it.
   */
  async regenerate(
    replyId: string,
    userId: string,
  ): Promise<{ outcome: VersionOutcome; conversationId: string | null }> {
    const rows = await this.db.query<Array<{ outcome: VersionOutcome; conversation_id: string }>>(
      `SELECT outcome, conversation_id FROM companion_regenerate_reply($1, $2)`,
      [replyId, userId],
    );
    return { outcome: rows[0].outcome, conversationId: rows[0].conversation_id ?? null };
  }

  /** Shows this version of a reply and marks the other versions replaced (companion_choose_reply). */
  async chooseVersion(
    replyId: string,
    userId: string,
  ): Promise<{ outcome: VersionOutcome; conversationId: string | null; versions: number }> {
    const rows = await this.db.query<
      Array<{ outcome: VersionOutcome; conversation_id: string; versions: number | null }>
    >(`SELECT outcome, conversation_id, versions FROM companion_choose_reply($1, $2)`, [
      replyId,
      userId,
    ]);
    return {
      outcome: rows[0].outcome,
      conversationId: rows[0].conversation_id ?? null,
      versions: Number(rows[0].versions ?? 0),
    };
  }

  /**
   * Messages as training-data exports read them (docs/model-loop.md): these ids, and every reply
   * version answering the messages in `answering` (regenerates), without the embedding.
   */
  async trainingMessages(
    ids: readonly string[],
    answering: readonly string[] = [],
  ): Promise<TrainingMessage[]> {
    const rows = await this.db.query<Row[]>(
      // Two index scans (primary key, IDX_messages_in_reply_to), not one OR that scans the table.
      `SELECT id, user_id, conversation_id, role, content, status, source, in_reply_to, deleted_at,
              memory_excluded, replaced_at
         FROM messages WHERE id = ANY($1::uuid[])
       UNION
       SELECT id, user_id, conversation_id, role, content, status, source, in_reply_to, deleted_at,
              memory_excluded, replaced_at
         FROM messages WHERE in_reply_to = ANY($2::uuid[]) AND role = 'assistant'`,
      [ids, answering],
    );
    return rows.map((r) => ({
      id: r.id as string,
      userId: r.user_id as string,
      conversationId: r.conversation_id as string,
      role: r.role as 'user' | 'assistant',
      content: r.content as string,
      status: r.status as MessageStatus,
      source: r.source as string,
      inReplyTo: (r.in_reply_to as string | null) ?? null,
      gone: r.deleted_at !== null || Boolean(r.memory_excluded),
      replaced: r.replaced_at !== null,
    }));
  }

  /**
   * An experiment's replies per variant (`route->>'experiment'`): users, turns, failures, crisis
   * protocol replies, the 95th percentile of reply time, turns per conversation, and the users
   * who came back one day and seven days after their first reply of it (D1, D7: the return seam
   * until the analytics roll-ups give them).
   */
  async variantTurnStats(key: string): Promise<VariantTurnStats[]> {
    const rows = await this.db.query<Row[]>(
      `WITH r AS (
         SELECT user_id, conversation_id, created_at, status, total_ms, source, route->>'variant' AS variant
           FROM messages
          WHERE role = 'assistant' AND route->>'experiment' = $1 AND status <> 'streaming'),
       firsts AS (SELECT variant, user_id, min(created_at) AS first_at FROM r GROUP BY variant, user_id),
       back AS (
         SELECT f.variant,
                count(*) FILTER (WHERE EXISTS (SELECT 1 FROM r x WHERE x.user_id = f.user_id AND x.variant = f.variant
                  AND x.created_at >= f.first_at + interval '1 day' AND x.created_at < f.first_at + interval '2 days')) AS d1,
                count(*) FILTER (WHERE EXISTS (SELECT 1 FROM r x WHERE x.user_id = f.user_id AND x.variant = f.variant
                  AND x.created_at >= f.first_at + interval '7 days' AND x.created_at < f.first_at + interval '8 days')) AS d7,
                count(*) FILTER (WHERE f.first_at <= now() - interval '2 days') AS d1_eligible,
                count(*) FILTER (WHERE f.first_at <= now() - interval '8 days') AS d7_eligible
           FROM firsts f GROUP BY f.variant)
       SELECT r.variant, count(DISTINCT r.user_id) AS users, count(*) AS turns,
              count(*) FILTER (WHERE r.status = 'failed') AS failed,
              count(*) FILTER (WHERE r.source = 'protocol') AS crisis,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY r.total_ms) AS p95_ms,
              count(*)::float / greatest(count(DISTINCT r.conversation_id), 1) AS turns_per_conversation,
              b.d1, b.d7, b.d1_eligible, b.d7_eligible
         FROM r JOIN back b ON b.variant = r.variant
        GROUP BY r.variant, b.d1, b.d7, b.d1_eligible, b.d7_eligible`,
      [key],
    );
    return rows.map((r) => ({
      variant: r.variant as string,
      users: Number(r.users),
      turns: Number(r.turns),
      failed: Number(r.failed),
      crisis: Number(r.crisis),
      p95Ms: r.p95_ms === null ? null : Number(r.p95_ms),
      turnsPerConversation: Number(r.turns_per_conversation),
      d1: { returned: Number(r.d1), eligible: Number(r.d1_eligible) },
      d7: { returned: Number(r.d7), eligible: Number(r.d7_eligible) },
    }));
  }

  async renewLeases(replyIds: string[], owner: string, leaseMs: number): Promise<void> {
    if (replyIds.length === 0) return;
    await this.sql.query(
      `UPDATE messages SET lease_expires_at = now() + make_interval(secs => $3::double precision / 1000)
        WHERE id = ANY($1::uuid[]) AND lease_owner = $2 AND status = 'streaming'`,
      [replyIds, owner, leaseMs],
    );
  }

  /**
   * Replies whose pod stopped renewing its lease (killed, partitioned): marked failed with
   * `reply_interrupted`, their user messages settled (the app retries with one tap), returned.
   */
  async failExpiredReplies(limit = 500, errorCode = 'reply_interrupted'): Promise<MessageEntity[]> {
    const rows = await this.db.query<Row[]>(
      `WITH failed AS (
         UPDATE messages
            SET status = 'failed', error_code = $1, completed_at = now(),
                lease_owner = NULL, lease_expires_at = NULL
          WHERE id IN (SELECT id FROM messages
                        WHERE status = 'streaming' AND lease_expires_at < now()
                        ORDER BY lease_expires_at LIMIT $2
                        FOR UPDATE SKIP LOCKED)
          RETURNING ${MESSAGE_COLUMNS}),
       settled AS (
         UPDATE messages u SET reply_due_at = NULL
           FROM failed f JOIN messages a ON a.id = f.in_reply_to
          WHERE u.conversation_id = f.conversation_id AND u.role = 'user'
            AND u.seq <= a.seq AND u.reply_due_at IS NOT NULL)
       SELECT * FROM failed`,
      [errorCode, limit],
    );
    return rows.map(rowToMessage);
  }

  /**
   * Conversations with a user message owed a reply for longer than `graceMs` (its process died
   * between the ack and the reply, or before the transcript's reply). Each pick counts an attempt
   * and restarts the grace, so two sweeps do not take the same message at once and a message that
   * keeps failing is given up after a bound.
   */
  async pickOverdue(
    graceMs: number,
    limit = 50,
  ): Promise<
    Array<{ conversationId: string; userId: string; messageId: string; attempts: number }>
  > {
    const rows = await this.db.query<Row[]>(
      `UPDATE messages
          SET reply_due_at = now(), reply_attempts = reply_attempts + 1
        WHERE id IN (SELECT m.id FROM messages m
                      WHERE m.reply_due_at IS NOT NULL
                        AND m.reply_due_at < now() - make_interval(secs => $1::double precision / 1000)
                        AND NOT EXISTS (SELECT 1 FROM messages r
                                         WHERE r.conversation_id = m.conversation_id
                                           AND r.status = 'streaming')
                      ORDER BY m.reply_due_at LIMIT $2
                      FOR UPDATE OF m SKIP LOCKED)
        RETURNING conversation_id, user_id, id, reply_attempts`,
      [graceMs, limit],
    );
    return updatedRows(rows).map((r) => ({
      conversationId: r.conversation_id as string,
      userId: r.user_id as string,
      messageId: r.id as string,
      attempts: Number(r.reply_attempts),
    }));
  }

  /** Messages after `afterSeq`, oldest first, for `sync`; only the owner's conversation. */
  async listAfter(
    userId: string,
    conversationId: string,
    afterSeq: number,
    limit: number,
  ): Promise<{ messages: MessageEntity[]; lastSeq: number }> {
    const conv = await this.db.query<Array<{ last_seq: number }>>(
      `SELECT last_seq FROM conversations WHERE id = $1 AND user_id = $2`,
      [conversationId, userId],
    );
    if (!conv[0]) throw conversationNotFound(conversationId);
    const rows = await this.db.query<Row[]>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages
        WHERE conversation_id = $1 AND seq > $2 AND deleted_at IS NULL ORDER BY seq LIMIT $3`,
      [conversationId, afterSeq, limit],
    );
    return { messages: rows.map(rowToMessage), lastSeq: conv[0].last_seq };
  }

  async findReply(replyId: string): Promise<MessageEntity | null> {
    const rows = await this.db.query<Row[]>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = $1 AND role = 'assistant'`,
      [replyId],
    );
    return rows[0] ? rowToMessage(rows[0]) : null;
  }

  async findById(id: string): Promise<MessageEntity | null> {
    const rows = await this.db.query<Row[]>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = $1`,
      [id],
    );
    return rows[0] ? rowToMessage(rows[0]) : null;
  }

  /**
   * An operator deletes a message: its text is erased, it leaves `sync` and memory (a tombstone:
   * the row and its seq stay). Null when there is no such message; `already` when it was gone.
   */
  async tombstone(id: string): Promise<{ message: MessageEntity; already: boolean } | null> {
    const rows = updatedRows(
      await this.db.query<unknown>(
        `WITH deleted AS (
           UPDATE messages SET content = '', search_terms = NULL, memory_excluded = true,
                  embedding = NULL, embedding_model = NULL,
                  deleted_at = coalesce(deleted_at, now())
            WHERE id = $1
          RETURNING ${MESSAGE_COLUMNS}, (deleted_at < now()) AS already),
              titled AS (
           UPDATE conversations c SET title = ${retitled('NOT m.memory_excluded AND m.id <> $1')}
            WHERE c.id IN (SELECT conversation_id FROM deleted WHERE role = 'user'))
         SELECT * FROM deleted`,
        [id],
      ),
    );
    if (!rows[0]) return null;
    return { message: rowToMessage(rows[0]), already: Boolean(rows[0].already) };
  }

  // --- operator takeover (docs/operator.md#takeover) ------------------------------------------

  /**
   * Hands the conversation to an operator (`operatorId`) or back to the model (null). Taking
   * over succeeds when no one else holds it; handing back when `holder` holds it (or `holder` is
   * null: an admin's hand-back). Null when the conversation does not exist; `changed` false when
   * someone else holds it.
   */
  async setTakeover(
    conversationId: string,
    operatorId: string | null,
    holder: string | null,
  ): Promise<{ userId: string; changed: boolean; takenOverBy: string | null } | null> {
    const rows = await this.db.query<Row[]>(
      `WITH target AS (SELECT id, user_id, taken_over_by FROM conversations WHERE id = $1 FOR UPDATE),
            changed AS (
              UPDATE conversations c
                 SET taken_over_by = $2, taken_over_at = CASE WHEN $2::varchar IS NULL THEN NULL ELSE now() END
                FROM target t
               WHERE c.id = t.id
                 AND CASE WHEN $2::varchar IS NOT NULL
                          THEN t.taken_over_by IS NULL OR t.taken_over_by = $2
                          ELSE t.taken_over_by IS NOT NULL AND ($3::varchar IS NULL OR t.taken_over_by = $3)
                     END
              RETURNING c.id)
       SELECT t.user_id, t.taken_over_by, EXISTS (SELECT 1 FROM changed) AS changed FROM target t`,
      [conversationId, operatorId, holder],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      userId: r.user_id as string,
      changed: Boolean(r.changed),
      takenOverBy: (r.taken_over_by as string | null) ?? null,
    };
  }

  /**
   * Stores an operator's message in a conversation they hold, as an assistant message with
   * `source` `operator`, answering the user's latest message. Null when the conversation is not
   * held by `operatorId` (or does not exist).
   */
  async storeOperatorMessage(input: {
    conversationId: string;
    operatorId: string;
    content: string;
  }): Promise<MessageEntity | null> {
    const rows = await this.db.query<Row[]>(
      `WITH conv AS (
              UPDATE conversations
                 SET last_seq = last_seq + 1, message_count = message_count + 1,
                     last_message_at = now(), updated_at = now()
               WHERE id = $2 AND taken_over_by = $4
           RETURNING id, user_id, last_seq)
       INSERT INTO messages (id, conversation_id, user_id, seq, role, kind, content, in_reply_to,
                             status, source, search_terms, completed_at)
       SELECT $1, conv.id, conv.user_id, conv.last_seq, 'assistant', 'text', $3,
              (SELECT m.id FROM messages m WHERE m.conversation_id = conv.id AND m.role = 'user'
                ORDER BY m.seq DESC LIMIT 1),
              'completed', 'operator', $5, now()
         FROM conv
       RETURNING ${MESSAGE_COLUMNS}`,
      [uuidv7(), input.conversationId, input.content, input.operatorId, encodeTerms(input.content)],
    );
    return rows[0] ? rowToMessage(rows[0]) : null;
  }

  /** A conversation as operators see it: its owner, title, takeover and counts. */
  async conversationForOperator(conversationId: string): Promise<{
    id: string;
    userId: string;
    title: string | null;
    lastSeq: number;
    takenOverBy: string | null;
    takenOverAt: Date | null;
    createdAt: Date;
    lastMessageAt: Date | null;
    userLocale: string | null;
  } | null> {
    const rows = await this.db.query<Row[]>(
      `SELECT c.id, c.user_id, c.title, c.last_seq, c.taken_over_by, c.taken_over_at, c.created_at,
              c.last_message_at, u.locale
         FROM conversations c JOIN users u ON u.id = c.user_id WHERE c.id = $1`,
      [conversationId],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      id: r.id as string,
      userId: r.user_id as string,
      title: (r.title as string | null) ?? null,
      lastSeq: Number(r.last_seq),
      takenOverBy: (r.taken_over_by as string | null) ?? null,
      takenOverAt: (r.taken_over_at as Date | null) ?? null,
      createdAt: r.created_at as Date,
      lastMessageAt: (r.last_message_at as Date | null) ?? null,
      userLocale: (r.locale as string | null) ?? null,
    };
  }

  /**
   * A page of a conversation's messages for operators, newest first (before `beforeSeq`), deleted
   * ones included as tombstones.
   */
  async pageForOperator(
    conversationId: string,
    limit: number,
    beforeSeq?: number,
  ): Promise<MessageEntity[]> {
    const rows = await this.db.query<Row[]>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages
        WHERE conversation_id = $1 AND ($2::integer IS NULL OR seq < $2)
        ORDER BY seq DESC LIMIT $3`,
      [conversationId, beforeSeq ?? null, limit],
    );
    return rows.map(rowToMessage);
  }

  async findByIds(ids: readonly string[]): Promise<MessageEntity[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query<Row[]>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return rows.map(rowToMessage);
  }

  // --- voice messages ------------------------------------------------------------------------

  /**
   * A voice message's transcript becomes its text; spoken, it is owed a reply from now on. Run
   * in the voice module's transaction that closes the clip, so that the two never disagree.
   */
  async setTranscript(
    messageId: string,
    text: string,
    contentTokens: number,
    tx: EntityManager,
  ): Promise<MessageEntity | null> {
    // A conversation still without a title (it began with this message) takes the transcript's.
    const rows = await tx.query<Row[]>(
      `WITH spoken AS (
         UPDATE messages SET content = $2, content_tokens = $3, search_terms = $4,
                reply_due_at = CASE WHEN $2 <> '' THEN now() END
          WHERE id = $1 AND role = 'user' AND kind = 'voice'
          RETURNING ${MESSAGE_COLUMNS}),
            titled AS (
         UPDATE conversations c SET title = ${titleOf('$2::text')}
           FROM spoken s WHERE c.id = s.conversation_id AND c.title IS NULL AND $2 <> '')
       SELECT * FROM spoken`,
      [messageId, text, contentTokens, text ? encodeTerms(text) : null],
    );
    const row = updatedRows(rows)[0];
    return row ? rowToMessage(row) : null;
  }

  // --- memory: recall, extraction, forgetting, summaries -------------------------------------

  /**
   * The user's past turns up to `before`, newest first, at most `limit` (recall's candidates;
   * src/memory/recall). Never what the user asked to forget. The time comes as epoch
   * milliseconds: node-postgres parses a float8 several times faster than a timestamptz, which
   * shows with thousands of rows. An index on (user_id, created_at) serves it.
   */
  async turnsForRecall(
    userId: string,
    before: Date,
    options: { limit: number; storedTerms?: boolean; embeddingModel?: string | null },
  ): Promise<RecallTurnRow[]> {
    if (!userId) throw new Error('recall needs a user id');
    const params: unknown[] = [userId, before, options.limit];
    if (options.embeddingModel) params.push(options.embeddingModel);
    const rows = await this.sql.query<
      Array<{
        id: string;
        conversation_id: string;
        seq: number;
        role: 'user' | 'assistant';
        content: string;
        created_ms: number;
        search_terms?: string | null;
        embedding?: Buffer | null;
      }>
    >(
      `SELECT id, conversation_id, seq, role, content,
              (extract(epoch FROM created_at) * 1000)::float8 AS created_ms
              ${options.storedTerms ? ', search_terms' : ''}
              ${options.embeddingModel ? ', CASE WHEN embedding_model = $4 THEN embedding END AS embedding' : ''}
         FROM messages
        WHERE user_id = $1 AND created_at <= $2 AND NOT memory_excluded AND ${SHOWN_TURN}
        ORDER BY created_at DESC
        LIMIT $3`,
      params,
    );
    return rows.map((r) => ({
      messageId: r.id,
      conversationId: r.conversation_id,
      seq: r.seq,
      role: r.role,
      content: r.content,
      createdAt: new Date(r.created_ms),
      searchTerms: r.search_terms ?? null,
      embedding: r.embedding ?? null,
    }));
  }

  /**
   * The user's turns after a cursor (time as Postgres text, to keep its microseconds; and id),
   * in (time, id) order, at most `limit`: what memory extraction has not read yet. They stop
   * before the user's first reply still streaming: a cursor moved past it would never come back
   * for it once it is shown (the lease sweep ends a reply whose process died, within a lease).
   */
  async turnsAfter(
    userId: string,
    cursor: { at: string; id: string } | null,
    limit: number,
  ): Promise<ExtractionTurnRow[]> {
    const rows = await this.db.query<Row[]>(
      `SELECT m.id, m.role, m.kind, m.content, m.created_at, m.created_at::text AS at_text
         FROM messages m
         LEFT JOIN LATERAL (SELECT s.created_at, s.id FROM messages s
                             WHERE s.user_id = $1 AND s.status = 'streaming'
                             ORDER BY s.created_at, s.id LIMIT 1) streaming ON true
        WHERE m.user_id = $1
          AND (m.created_at, m.id) > (coalesce($2::timestamptz, '-infinity'),
                                      coalesce($3::uuid, '00000000-0000-0000-0000-000000000000'))
          AND (streaming.id IS NULL OR (m.created_at, m.id) < (streaming.created_at, streaming.id))
          AND NOT m.memory_excluded AND ${SHOWN_TURN}
        ORDER BY m.created_at, m.id LIMIT $4`,
      [userId, cursor?.at ?? null, cursor?.id ?? null, limit],
    );
    return rows.map((r) => ({
      id: r.id as string,
      role: r.role as 'user' | 'assistant',
      kind: r.kind as MessageKind,
      content: r.content as string,
      createdAt: r.created_at as Date,
      atText: r.at_text as string,
    }));
  }

  /** Stores turn embeddings made by `model` (semantic recall). */
  async saveEmbeddings(
    userId: string,
    ids: readonly string[],
    vectors: readonly Buffer[],
    model: string,
  ): Promise<void> {
    await this.db.query(
      `UPDATE messages m SET embedding = x.embedding, embedding_model = $3
         FROM unnest($2::uuid[], $4::bytea[]) AS x(id, embedding)
        WHERE m.user_id = $1 AND m.id = x.id`,
      [userId, ids, model, vectors],
    );
  }

  /**
   * "Forget that": the messages are never extracted or recalled again, and lose their
   * embeddings. Only the user's own messages; returns how many changed.
   */
  async excludeFromMemory(
    userId: string,
    messageIds: readonly string[],
    tx?: EntityManager,
  ): Promise<number> {
    if (messageIds.length === 0) return 0;
    // A title taken from words now forgotten is taken again from the first ones still kept.
    const rows = await (tx ?? this.db).query<unknown[]>(
      `WITH changed AS (
         UPDATE messages SET memory_excluded = true, embedding = NULL, embedding_model = NULL
          WHERE user_id = $1 AND id = ANY($2::uuid[]) RETURNING id, conversation_id),
            titled AS (
         UPDATE conversations c
            SET title = ${retitled('NOT m.memory_excluded AND m.id <> ALL($2::uuid[])')}
          WHERE c.id IN (SELECT conversation_id FROM changed))
       SELECT id FROM changed`,
      [userId, messageIds],
    );
    return updatedRows(rows).length;
  }

  /** Takes messages back into memory (a forget undone); returns how many. */
  async includeInMemory(
    userId: string,
    messageIds: readonly string[],
    tx?: EntityManager,
  ): Promise<number> {
    if (messageIds.length === 0) return 0;
    const rows = await (tx ?? this.db).query<unknown[]>(
      `WITH changed AS (
         UPDATE messages SET memory_excluded = false
          WHERE user_id = $1 AND id = ANY($2::uuid[]) AND memory_excluded
          RETURNING id, conversation_id),
            titled AS (
         UPDATE conversations c
            SET title = ${retitled('(NOT m.memory_excluded OR m.id = ANY($2::uuid[]))')}
          WHERE c.id IN (SELECT conversation_id FROM changed))
       SELECT id FROM changed`,
      [userId, messageIds],
    );
    return updatedRows(rows).length;
  }

  /** The replies to these user messages (what the companion said back). */
  async replyIds(userId: string, messageIds: readonly string[]): Promise<string[]> {
    if (messageIds.length === 0) return [];
    const rows = await this.db.query<Array<{ id: string }>>(
      `SELECT id FROM messages WHERE user_id = $1 AND in_reply_to = ANY($2::uuid[])`,
      [userId, messageIds],
    );
    return rows.map((r) => r.id);
  }

  /** Where these messages are: conversation, place and time (what a forget must reach). */
  async placesOf(
    userId: string,
    messageIds: readonly string[],
  ): Promise<Array<{ id: string; conversationId: string; seq: number; createdAt: Date }>> {
    if (messageIds.length === 0) return [];
    const rows = await this.db.query<
      Array<{ id: string; conversation_id: string; seq: number; created_at: Date }>
    >(
      `SELECT id, conversation_id, seq, created_at FROM messages
        WHERE user_id = $1 AND id = ANY($2::uuid[])`,
      [userId, messageIds],
    );
    return rows.map((r) => ({
      id: r.id,
      conversationId: r.conversation_id,
      seq: r.seq,
      createdAt: r.created_at,
    }));
  }

  /**
   * Drops the rolling summary of every conversation whose summary folded in one of these
   * messages, so that it is written again without them. Returns those conversations' ids.
   */
  async resetSummariesCovering(
    userId: string,
    messageIds: readonly string[],
    tx?: EntityManager,
  ): Promise<string[]> {
    if (messageIds.length === 0) return [];
    const rows = await (tx ?? this.db).query<unknown>(
      `UPDATE conversations c SET summary = NULL, summary_until_seq = 0
         FROM (SELECT conversation_id, min(seq) AS first_seq FROM messages
                WHERE user_id = $1 AND id = ANY($2::uuid[]) GROUP BY conversation_id) f
        WHERE c.id = f.conversation_id AND c.user_id = $1 AND c.summary_until_seq >= f.first_seq
        RETURNING c.id`,
      [userId, messageIds],
    );
    return updatedRows(rows).map((r) => r.id as string);
  }

  /** The user message before `beforeSeq` in the conversation, and the replies to it. */
  async previousExchange(
    userId: string,
    conversationId: string,
    beforeSeq: number,
  ): Promise<string[]> {
    const rows = await this.db.query<Array<{ id: string }>>(
      `WITH prev AS (SELECT id FROM messages
                      WHERE conversation_id = $1 AND user_id = $2 AND role = 'user' AND seq < $3
                      ORDER BY seq DESC LIMIT 1)
       SELECT id FROM prev
       UNION ALL
       SELECT r.id FROM messages r JOIN prev ON r.in_reply_to = prev.id WHERE r.conversation_id = $1`,
      [conversationId, userId, beforeSeq],
    );
    return rows.map((r) => r.id);
  }

  /** The user's newest messages still open to memory, for a topic to forget. */
  async recentUserMessages(
    userId: string,
    limit: number,
  ): Promise<Array<{ id: string; content: string }>> {
    return this.db.query<Array<{ id: string; content: string }>>(
      `SELECT id, content FROM messages WHERE user_id = $1 AND role = 'user' AND NOT memory_excluded
        ORDER BY created_at DESC LIMIT $2`,
      [userId, limit],
    );
  }

  /** The user's messages with these ids (a memory's sources), with what they said and when. */
  async sources(
    userId: string,
    ids: readonly string[],
  ): Promise<
    Array<{
      id: string;
      conversationId: string;
      seq: number;
      role: string;
      content: string;
      createdAt: Date;
    }>
  > {
    if (ids.length === 0) return [];
    const rows = await this.db.query<Row[]>(
      `SELECT id, conversation_id, seq, role, content, created_at FROM messages
        WHERE user_id = $1 AND id = ANY($2::uuid[])`,
      [userId, ids],
    );
    return rows.map((r) => ({
      id: r.id as string,
      conversationId: r.conversation_id as string,
      seq: Number(r.seq),
      role: r.role as string,
      content: r.content as string,
      createdAt: r.created_at as Date,
    }));
  }

  /** Where the conversation's summary stands, and its last seq. */
  async summaryState(
    conversationId: string,
  ): Promise<{ summary: string | null; untilSeq: number; lastSeq: number } | null> {
    const rows = await this.db.query<
      Array<{ summary: string | null; summary_until_seq: number; last_seq: number }>
    >(`SELECT summary, summary_until_seq, last_seq FROM conversations WHERE id = $1`, [
      conversationId,
    ]);
    const r = rows[0];
    return r ? { summary: r.summary, untilSeq: r.summary_until_seq, lastSeq: r.last_seq } : null;
  }

  /** The turns in (fromSeq, untilSeq] that a summary folds in, in order. */
  async turnsBetween(
    conversationId: string,
    fromSeq: number,
    untilSeq: number,
  ): Promise<Array<{ role: 'user' | 'assistant'; content: string }>> {
    return this.db.query<Array<{ role: 'user' | 'assistant'; content: string }>>(
      `SELECT role, content FROM messages
        WHERE conversation_id = $1 AND seq > $2 AND seq <= $3 AND NOT memory_excluded
          AND ${SHOWN_TURN}
        ORDER BY seq`,
      [conversationId, fromSeq, untilSeq],
    );
  }

  /** Stores a new summary, only if no other run moved it since `expectedUntilSeq`. */
  async saveSummary(
    conversationId: string,
    summary: string | null,
    untilSeq: number,
    expectedUntilSeq: number,
  ): Promise<boolean> {
    const rows = await this.db.query<unknown[]>(
      `UPDATE conversations SET summary = $2, summary_until_seq = $3
        WHERE id = $1 AND summary_until_seq = $4 RETURNING id`,
      [conversationId, summary, untilSeq, expectedUntilSeq],
    );
    return updatedRows(rows).length > 0;
  }

  // --- conversation bookkeeping, traces, export ----------------------------------------------

  /**
   * Counts a conversation's messages again and titles it if it has no title (a roll-up queued by
   * the version before, whose statements did not keep either). Null when it is gone.
   */
  async recount(conversationId: string): Promise<number | null> {
    const rows = await this.db.query<unknown>(
      `UPDATE conversations c
          SET message_count = (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id),
              title = coalesce(c.title, ${retitled('NOT m.memory_excluded')})
        WHERE c.id = $1
        RETURNING message_count`,
      [conversationId],
    );
    const row = updatedRows(rows)[0];
    return row ? Number(row.message_count) : null;
  }

  /** The text of messages of one conversation by id (a turn trace's history; forgotten ones masked). */
  async contents(conversationId: string, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.query<Array<{ id: string; content: string }>>(
      `SELECT id, CASE WHEN memory_excluded THEN '${FORGOTTEN}' ELSE content END AS content
         FROM messages WHERE id = ANY($1::uuid[]) AND conversation_id = $2`,
      [ids, conversationId],
    );
    return new Map(rows.map((m) => [m.id, m.content]));
  }

  /** The reply ids answering a user message, newest first (a trace looked up by the message). */
  async repliesTo(messageId: string): Promise<string[]> {
    const rows = await this.db.query<Array<{ id: string }>>(
      `SELECT id FROM messages WHERE in_reply_to = $1 AND role = 'assistant' ORDER BY seq DESC`,
      [messageId],
    );
    return rows.map((r) => r.id);
  }

  /**
   * The user's conversations, most recent first, `limit` at a time after a cursor (the previous
   * page's last `lastMessageAt`/`id`), for a device that lists them.
   */
  async listConversations(
    userId: string,
    after: { at: string; id: string } | null,
    limit: number,
  ): Promise<
    Array<{
      id: string;
      title: string | null;
      lastSeq: number;
      messageCount: number;
      lastMessageAt: string;
      createdAt: Date;
    }>
  > {
    const rows = await this.db.query<Row[]>(
      `SELECT id, title, last_seq, message_count, created_at,
              coalesce(last_message_at, created_at) AS at, coalesce(last_message_at, created_at)::text AS at_text
         FROM conversations
        WHERE user_id = $1
          AND ($2::timestamptz IS NULL
               OR (coalesce(last_message_at, created_at), id) < ($2::timestamptz, $3::uuid))
        ORDER BY coalesce(last_message_at, created_at) DESC, id DESC
        LIMIT $4`,
      [userId, after?.at ?? null, after?.id ?? null, limit],
    );
    return rows.map((r) => ({
      id: r.id as string,
      title: (r.title as string | null) ?? null,
      lastSeq: Number(r.last_seq),
      messageCount: Number(r.message_count),
      lastMessageAt: r.at_text as string,
      createdAt: r.created_at as Date,
    }));
  }

  // --- the user's data as a whole: export and deletion (src/account) ------------------------

  async exportUser(userId: string): Promise<Row | null> {
    const [user] = await this.db.query<Row[]>(
      `SELECT id, created_at, last_seen_at, locale, time_zone, platform, app_version FROM users WHERE id = $1`,
      [userId],
    );
    return user ?? null;
  }

  /** The user's conversations with their summaries, oldest first, page by page. */
  exportConversations(userId: string): AsyncGenerator<Row> {
    return keysetRows(
      this.db,
      `SELECT id, title, summary, summary_until_seq, last_seq, message_count, created_at,
              last_message_at, created_at::text AS k_at, id AS k_id
         FROM conversations
        WHERE user_id = $1 AND (created_at, id) > (coalesce($2::timestamptz, '-infinity'),
                                                   coalesce($3::uuid, '00000000-0000-0000-0000-000000000000'))
        ORDER BY created_at, id LIMIT $4`,
      userId,
    );
  }

  /** Every message of the user (transcripts included), in time order, page by page. */
  exportMessages(userId: string): AsyncGenerator<Row> {
    return keysetRows(
      this.db,
      `SELECT id, conversation_id, seq, role, kind, content, status, client_msg_id, in_reply_to,
              memory_excluded, model, prompt_version, error_code, turn_id, ttft_ms, total_ms,
              prompt_tokens, completion_tokens, created_at, completed_at,
              created_at::text AS k_at, id AS k_id
         FROM messages
        WHERE user_id = $1 AND (created_at, id) > (coalesce($2::timestamptz, '-infinity'),
                                                   coalesce($3::uuid, '00000000-0000-0000-0000-000000000000'))
        ORDER BY created_at, id LIMIT $4`,
      userId,
    );
  }

  /**
   * Deletes the user's messages, conversations and the user row, in batches; other modules'
   * rows go first (their owners delete them), and the user row's cascade takes whatever was
   * written meanwhile. Returns rows removed per table.
   */
  async deleteUserData(userId: string): Promise<Record<string, number>> {
    const messages = await deleteInBatches(
      this.db,
      `DELETE FROM messages WHERE id IN (SELECT id FROM messages WHERE user_id = $1 LIMIT $2)
       RETURNING id`,
      userId,
    );
    const conversations = await deleteInBatches(
      this.db,
      `DELETE FROM conversations WHERE id IN (SELECT id FROM conversations WHERE user_id = $1 LIMIT $2)
       RETURNING id`,
      userId,
    );
    const users = updatedRows(
      await this.db.query(`DELETE FROM users WHERE id = $1 RETURNING id`, [userId]),
    ).length;
    return { messages, conversations, users };
  }

  /**
   * The analytics roll-up's read (docs/analytics.md): per user and local day of `window`, the
   * user messages (and voice ones), completed replies, late-night messages (in the user's own
   * zone, else `defaultTimeZone`), first and last message times, and what the user row says
   * (platform, app version, signup day). Counts and times only, never text.
   */
  async dailyActivity(
    window: DayWindow,
    lateNight: { startHour: number; endHour: number },
    defaultTimeZone: string,
  ): Promise<DailyActivityRow[]> {
    const params: unknown[] = [
      window.from,
      window.to,
      window.timeZone,
      defaultTimeZone,
      lateNight.startHour,
      lateNight.endHour,
    ];
    const users = userFilter(window, 'm.user_id', params);
    const rows = await this.db.query<Row[]>(
      `WITH m AS (
         SELECT m.user_id, m.role, m.kind, m.status, m.created_at,
                (m.created_at AT TIME ZONE $3)::date AS day,
                extract(hour FROM m.created_at AT TIME ZONE coalesce(u.time_zone, $4))::int AS hour,
                u.platform, u.app_version, (u.created_at AT TIME ZONE $3)::date AS signup_day
           FROM messages m JOIN users u ON u.id = m.user_id
          WHERE m.created_at >= $1 AND m.created_at < $2${users})
       SELECT user_id, to_char(day, 'YYYY-MM-DD') AS day,
              count(*) FILTER (WHERE role = 'user') AS messages,
              count(*) FILTER (WHERE role = 'user' AND kind = 'voice') AS voice_messages,
              count(*) FILTER (WHERE role = 'assistant' AND status = 'completed') AS replies,
              count(*) FILTER (WHERE role = 'user' AND CASE WHEN $5::int > $6::int
                                 THEN hour >= $5::int OR hour < $6::int
                                 ELSE hour >= $5::int AND hour < $6::int END) AS late_night,
              min(created_at) FILTER (WHERE role = 'user') AS first_message_at,
              max(created_at) FILTER (WHERE role = 'user') AS last_message_at,
              min(created_at) FILTER (WHERE role = 'user' AND kind = 'voice') AS first_voice_at,
              max(created_at) FILTER (WHERE role = 'user' AND kind = 'voice') AS last_voice_at,
              min(platform) AS platform, min(app_version) AS app_version,
              to_char(min(signup_day), 'YYYY-MM-DD') AS signup_day
         FROM m GROUP BY user_id, day`,
      params,
    );
    return rows.map((r) => ({
      userId: r.user_id as string,
      day: r.day as string,
      messages: Number(r.messages),
      voiceMessages: Number(r.voice_messages),
      replies: Number(r.replies),
      lateNightMessages: Number(r.late_night),
      firstMessageAt: (r.first_message_at as Date | null) ?? null,
      lastMessageAt: (r.last_message_at as Date | null) ?? null,
      firstVoiceAt: (r.first_voice_at as Date | null) ?? null,
      lastVoiceAt: (r.last_voice_at as Date | null) ?? null,
      platform: (r.platform as string | null) ?? null,
      appVersion: (r.app_version as string | null) ?? null,
      signupDay: (r.signup_day as string | null) ?? null,
    }));
  }

  /**
   * Sessions that started in `window` (docs/analytics.md#sessions): runs of a user's messages
   * with no gap longer than `gapMs`, followed up to a day past the window's end. A message less
   * than `gapMs` after one before the window continues that earlier session, counted there.
   */
  async sessionsStarted(window: DayWindow, gapMs: number): Promise<SessionRow[]> {
    const params: unknown[] = [window.from, window.to, window.timeZone, `${gapMs} milliseconds`];
    const users = userFilter(window, 'user_id', params);
    const rows = await this.db.query<Row[]>(
      `WITH m AS (
         SELECT user_id, created_at,
                coalesce(created_at - lag(created_at) OVER w > $4::interval, true) AS starts
           FROM messages
          WHERE role = 'user' AND created_at >= $1::timestamptz - $4::interval
            AND created_at < $2::timestamptz + interval '1 day'${users}
         WINDOW w AS (PARTITION BY user_id ORDER BY created_at)),
       n AS (SELECT user_id, created_at, sum(starts::int) OVER w AS session
               FROM m WINDOW w AS (PARTITION BY user_id ORDER BY created_at))
       SELECT user_id, min(created_at) AS started_at,
              to_char((min(created_at) AT TIME ZONE $3)::date, 'YYYY-MM-DD') AS day,
              extract(epoch FROM max(created_at) - min(created_at))::int AS seconds,
              count(*) AS messages
         FROM n GROUP BY user_id, session
       HAVING min(created_at) >= $1 AND min(created_at) < $2`,
      params,
    );
    return rows.map((r) => ({
      userId: r.user_id as string,
      startedAt: r.started_at as Date,
      day: r.day as string,
      seconds: Number(r.seconds),
      messages: Number(r.messages),
    }));
  }

  /** The IANA time zone kept on the user (the app's or token's last word); null when never given. */
  async timeZoneOf(userId: string): Promise<string | null> {
    const [user] = await this.db.query<Array<{ time_zone: string | null }>>(
      `SELECT time_zone FROM users WHERE id = $1`,
      [userId],
    );
    return user?.time_zone ?? null;
  }
}

function conversationNotFound(conversationId: string): ConversationException {
  // Another user's conversation gets the same answer as a missing one: ids are not probeable.
  return new ConversationException(ConversationErrorCode.NotFound, 'no such conversation', {
    conversationId,
  });
}

export function isUniqueViolation(e: unknown, constraint: string): boolean {
  const err = e as {
    code?: string;
    constraint?: string;
    driverError?: { code?: string; constraint?: string };
  };
  const code = err.driverError?.code ?? err.code;
  const name = err.driverError?.constraint ?? err.constraint;
  return code === PG_UNIQUE_VIOLATION && name === constraint;
}

/** A reply's figures before it has any. */
const NO_OUTCOME: Row = {
  ttft_ms: null,
  total_ms: null,
  prompt_tokens: null,
  completion_tokens: null,
};

/**
 * What a message's insert that claims returns of the message: the columns the database fills
 * (every column a row carries costs the driver a parser per execution, and this statement runs
 * every turn); the others are what was written, or a new user message's defaults.
 */
const INSERTED_COLUMNS = `ins.id AS inserted_id, ins.conversation_id AS inserted_conversation_id,
  ins.seq AS inserted_seq, ins.reply_due_at AS inserted_reply_due_at, ins.created_at AS inserted_created_at`;
const NEW_USER_MESSAGE: Row = {
  role: 'user',
  status: 'received',
  source: 'model',
  memory_excluded: false,
  reply_attempts: 0,
  ...NO_OUTCOME,
};

/**
 * A claimed reply's columns that companion_claim_reply chooses (and the same for the rest: the
 * row it inserts is an empty `streaming` assistant text, `STREAMING_REPLY`).
 */
const CLAIMED_REPLY_COLUMNS = [
  'id',
  'seq',
  'user_id',
  'conversation_id',
  'in_reply_to',
  'lease_owner',
  'lease_expires_at',
  'turn_id',
  'created_at',
]
  .map((c) => `(claimed.reply).${c}`)
  .join(', ');
const STREAMING_REPLY: Row = {
  role: 'assistant',
  kind: 'text',
  content: '',
  status: 'streaming',
  source: 'model',
  memory_excluded: false,
  reply_attempts: 0,
  content_tokens: null,
  ...NO_OUTCOME,
};

/**
 * The claim of a conversation's reply slot as SQL: `from` calls companion_claim_reply (its row is
 * `claimed`) for the conversation given as a SQL expression, `columns` selects what the turn
 * starts from and what each carried read found (`read_<i>`, in the order of `names`).
 */
function claimQuery(
  conversation: string,
  claim: ReplyClaim,
  values: unknown[],
  /** The reply id's time (now by default). */
  replyAt?: number,
): { columns: string; from: string; names: string[] } {
  const p = placeholders(values);
  const from = `companion_claim_reply(${conversation}, ${p(uuidv7(replyAt))}, ${p(claim.owner)},
    ${p(claim.leaseMs)}, ${p(claim.afterSeq ?? 0)}, ${p(claim.turnId ?? null)},
    ${p(claim.historyLimit ?? 60)}) claimed`;
  const refs = {
    userId: '(claimed.answering).user_id',
    conversationId: '(claimed.answering).conversation_id',
    messageId: '(claimed.answering).id',
    messageCreatedAt: '(claimed.answering).created_at',
  };
  const names = Object.keys(claim.reads ?? {});
  // Evaluated only for a claimed reply (not when an operator holds the conversation). The
  // claim's alias is one the reads' own aliases will not hide.
  const reads = names
    .map(
      (name, i) =>
        `, CASE WHEN claimed.taken_over_by IS NULL THEN ${claim.reads![name](refs, p)} END AS read_${i}`,
    )
    .join('');
  const columns = `${CLAIMED_REPLY_COLUMNS}, (claimed.answering).id AS answering_id, (claimed.answering).seq AS answering_seq,
    (claimed.answering).kind AS answering_kind, (claimed.answering).content AS answering_content,
    (claimed.answering).content_tokens AS answering_content_tokens,
    (claimed.answering).client_msg_id AS answering_client_msg_id,
    (claimed.answering).created_at AS answering_created_at, claimed.answered_ids, claimed.answered_kinds,
    claimed.summary AS claim_summary, claimed.history AS claim_history, claimed.older_turns,
    claimed.time_zone AS user_time_zone, claimed.locale AS user_locale,
    claimed.taken_over_by, (claimed.answering).user_id AS answering_user_id${reads}`;
  return { columns, from, names };
}

/** A claim's row as the turn takes it; null when the claim found nothing (no row, or nulls). */
function claimOutcome(r: Row, names: string[], conversationId: string): ClaimOutcome {
  if (r.answering_id === null || r.answering_id === undefined) return null;
  const ids = r.answered_ids as string[];
  if (r.taken_over_by) {
    return {
      takenOverBy: r.taken_over_by as string,
      conversationId,
      userId: r.answering_user_id as string,
      settled: ids ?? [],
    };
  }
  const kinds = r.answered_kinds as MessageKind[];
  return {
    ...rowToMessage({ ...STREAMING_REPLY, ...r }),
    answering: {
      id: r.answering_id as string,
      seq: Number(r.answering_seq),
      kind: r.answering_kind as MessageKind,
      content: r.answering_content as string,
      contentTokens:
        r.answering_content_tokens === null ? null : Number(r.answering_content_tokens),
      clientMsgId: (r.answering_client_msg_id as string | null) ?? null,
      createdAt: r.answering_created_at as Date,
    },
    answered: ids.map((id, i) => ({ id, kind: kinds[i] })),
    summary: (r.claim_summary as string | null) ?? null,
    history: (
      r.claim_history as Array<{
        id: string;
        seq: number;
        role: 'user' | 'assistant';
        content: string;
        content_tokens: number | null;
      }>
    ).map((h) => ({
      id: h.id,
      seq: h.seq,
      role: h.role,
      content: h.content,
      contentTokens: h.content_tokens,
    })),
    olderTurns: Boolean(r.older_turns),
    userTimeZone: (r.user_time_zone as string | null) ?? null,
    userLocale: (r.user_locale as string | null) ?? null,
    reads: Object.fromEntries(names.map((name, i) => [name, r[`read_${i}`] ?? null])),
  };
}

/**
 * The statement failed in its claim, not in the insert: another process claimed the reply slot
 * at the same moment, or a carried read failed. Not a repeat (that fails the insert alone) and
 * not a lost connection (whose statement may have committed).
 */
function isClaimFailure(e: unknown): boolean {
  if (isUniqueViolation(e, 'UQ_messages_user_client_msg')) return false;
  // An error PostgreSQL answered with (it has a severity): the statement ran and was rolled back.
  const err = e as { driverError?: { severity?: unknown; code?: unknown } };
  const answered = err.driverError ?? (e as { severity?: unknown; code?: unknown }) ?? {};
  return (
    typeof answered.severity === 'string' &&
    typeof answered.code === 'string' &&
    !answered.code.startsWith('08')
  );
}

export function rowToMessage(r: Row): MessageEntity {
  return {
    id: r.id as string,
    conversationId: r.conversation_id as string,
    userId: r.user_id as string,
    seq: Number(r.seq),
    role: r.role as MessageEntity['role'],
    kind: r.kind as MessageEntity['kind'],
    content: r.content as string,
    contentTokens: r.content_tokens === null ? null : Number(r.content_tokens),
    searchTerms: (r.search_terms as string | null) ?? null,
    memoryExcluded: Boolean(r.memory_excluded),
    deletedAt: (r.deleted_at as Date | null | undefined) ?? null,
    route: (r.route as ReplyRoute | null | undefined) ?? null,
    replacedAt: (r.replaced_at as Date | null | undefined) ?? null,
    source: (r.source as string | undefined) ?? 'model',
    outputBlocked: (r.output_blocked as string | null | undefined) ?? null,
    clientMsgId: (r.client_msg_id as string | null) ?? null,
    inReplyTo: (r.in_reply_to as string | null) ?? null,
    status: r.status as MessageStatus,
    errorCode: (r.error_code as string | null) ?? null,
    model: (r.model as string | null) ?? null,
    promptVersion: (r.prompt_version as string | null) ?? null,
    ttftMs: r.ttft_ms === null ? null : Number(r.ttft_ms),
    totalMs: r.total_ms === null ? null : Number(r.total_ms),
    promptTokens: r.prompt_tokens === null ? null : Number(r.prompt_tokens),
    completionTokens: r.completion_tokens === null ? null : Number(r.completion_tokens),
    leaseOwner: (r.lease_owner as string | null) ?? null,
    leaseExpiresAt: (r.lease_expires_at as Date | null) ?? null,
    replyDueAt: (r.reply_due_at as Date | null) ?? null,
    replyAttempts: Number(r.reply_attempts ?? 0),
    turnId: (r.turn_id as string | null) ?? null,
    createdAt: r.created_at as Date,
    completedAt: (r.completed_at as Date | null) ?? null,
  };
}
