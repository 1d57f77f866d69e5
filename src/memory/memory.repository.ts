import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { deleteInBatches, keysetRows } from '../common/keyset.js';
import { updatedRows } from '../common/sql-rows.js';
import type { ClaimRead } from '../conversation/message.repository.js';
import { withDates } from '../database/sql-parts.js';
import { statementsOf } from '../database/statements.js';
import { uuidv7 } from '../common/uuid.js';
import type { MemoryKind } from './memory.entity.js';
import { dedupeKey } from './memory-text.js';
import { decodeVector } from './embeddings/vector.js';
import type { MemoryRecord } from './recall/recall.types.js';
import type { MemorySource } from './recall/recall.service.js';

export interface Memory {
  id: string;
  userId: string;
  kind: MemoryKind;
  text: string;
  language: string | null;
  importance: number;
  emotionalIntensity: number;
  valence: number | null;
  arousal: number | null;
  sensitive: boolean;
  core: boolean;
  eventFrom: Date | null;
  eventTo: Date | null;
  validUntil: Date | null;
  supersededBy: string | null;
  sourceMessageIds: string[];
  origin: string;
  createdAt: Date;
  updatedAt: Date;
}

export type NewMemory = Omit<
  Memory,
  'id' | 'userId' | 'supersededBy' | 'createdAt' | 'updatedAt'
> & {
  /** The text's vector (src/memory/embeddings/vector.ts) and the model that made it. */
  embedding?: { bytes: Buffer; model: string } | null;
};

/** A forget to record (src/memory/forget.service.ts). */
export interface NewForget {
  id: string;
  scope: 'last' | 'topic';
  topic: string | null;
  /** What the user had said and the replies to it: out of memory until an undo. */
  messageIds: string[];
  /** The request and its reply: out of memory for good. */
  requestMessageIds: string[];
  undoUntil: Date;
}

export interface ForgetRecord {
  id: string;
  scope: 'last' | 'topic';
  topic: string | null;
  messageIds: string[];
  requestMessageIds: string[];
  /** How many memories were deleted (null once the saved copies are erased). */
  savedMemories: number | null;
  /** Their ids (empty once the saved copies are erased). */
  memoryIds: string[];
  createdAt: Date;
  undoUntil: Date;
  undoneAt: Date | null;
  followedUpAt: Date | null;
}

const FORGET_COLUMNS = `id, scope, topic, message_ids, request_message_ids, created_at, undo_until, undone_at,
  followed_up_at, CASE WHEN saved_memories IS NULL THEN NULL ELSE jsonb_array_length(saved_memories) END AS saved_count,
  coalesce(ARRAY(SELECT e->>'id' FROM jsonb_array_elements(saved_memories) e), '{}') AS memory_ids`;

/** Every column but the embedding bytes, which only recall reads. */
const MEMORY_COLUMNS = `id, user_id, kind, text, language, importance, emotional_intensity, valence, arousal,
  sensitive, core, event_from, event_to, valid_until, superseded_by, source_message_ids, origin, created_at, updated_at`;

/** Recall's columns, the vector only when it is of `embeddingModel` (SQL, varchar). */
const RECALL_SELECT = (embeddingModel: string) =>
  `SELECT ${MEMORY_COLUMNS},
          CASE WHEN ${embeddingModel} IS NOT NULL AND embedding_model = ${embeddingModel} THEN embedding END
            AS embedding`;

/** One user's current memories valid at `at` (both SQL), newest first, at most 2000. */
const RECALL_FROM = (userId: string, at: string) =>
  `FROM memories
   WHERE user_id = ${userId} AND superseded_by IS NULL AND (valid_until IS NULL OR valid_until > ${at})
   ORDER BY updated_at DESC, id LIMIT 2000`;

/**
 * The memory store. Every statement is bound to one user id: there is no path here that reads
 * or writes another user's memories (test/medium/memory-store.test.ts proves it).
 */
@Injectable()
export class MemoryRepository implements MemorySource {
  constructor(private readonly db: DataSource) {}

  /**
   * What training-data exports need of memory (docs/model-loop.md): which of these memories are
   * sensitive (a record whose prompt recalled one is left out), and the users' memories about
   * people (their names are replaced).
   */
  async trainingHints(
    memoryIds: readonly string[],
    userIds: readonly string[],
  ): Promise<{
    sensitive: Set<string>;
    people: Map<string, Array<{ kind: string; text: string }>>;
  }> {
    const [sensitive, people] = await Promise.all([
      this.db.query<Array<{ id: string }>>(
        `SELECT id FROM memories WHERE id = ANY($1::uuid[]) AND sensitive`,
        [memoryIds],
      ),
      this.db.query<Array<{ user_id: string; kind: string; text: string }>>(
        `SELECT user_id, kind, text FROM memories WHERE user_id = ANY($1::varchar[]) AND kind = 'person'`,
        [userIds],
      ),
    ]);
    const byUser = new Map<string, Array<{ kind: string; text: string }>>();
    for (const p of people) {
      const list = byUser.get(p.user_id) ?? [];
      list.push({ kind: p.kind, text: p.text });
      byUser.set(p.user_id, list);
    }
    return { sensitive: new Set(sensitive.map((r) => r.id)), people: byUser };
  }

  /** The user's current memories (not superseded), newest first. */
  async current(userId: string, limit = 2000): Promise<Memory[]> {
    const rows = await this.db.query<Row[]>(
      `SELECT ${MEMORY_COLUMNS} FROM memories WHERE user_id = $1 AND superseded_by IS NULL ORDER BY updated_at DESC LIMIT $2`,
      [userId, limit],
    );
    return rows.map(toMemory);
  }

  /** Every memory of the user, superseded ones too (for the user's view and export). */
  async all(userId: string): Promise<Memory[]> {
    const rows = await this.db.query<Row[]>(
      `SELECT ${MEMORY_COLUMNS} FROM memories WHERE user_id = $1 ORDER BY created_at`,
      [userId],
    );
    return rows.map(toMemory);
  }

  async get(userId: string, id: string): Promise<Memory | null> {
    const rows = await this.db.query<Row[]>(
      `SELECT ${MEMORY_COLUMNS} FROM memories WHERE user_id = $1 AND id = $2`,
      [userId, id],
    );
    return rows[0] ? toMemory(rows[0]) : null;
  }

  /** Recall's view: current memories still valid at `at`. */
  async memoriesForRecall(
    userId: string,
    at: Date,
    embeddingModel?: string | null,
  ): Promise<MemoryRecord[]> {
    const rows = await statementsOf(this.db).query<Row[]>(
      `${RECALL_SELECT('$3::varchar')} ${RECALL_FROM('$1', '$2')}`,
      [userId, at, embeddingModel ?? null],
    );
    return rows.map((r) => toRecallRecord(r, r.embedding as Buffer | null));
  }

  /**
   * The same read, for the reply claim to carry in its statement (ClaimRead): the memories as one
   * jsonb array, parsed by `recallFromRead`. Valid at the time the answered message was sent.
   */
  recallRead(embeddingModel: string | null): ClaimRead {
    return (ids, p) =>
      `(SELECT coalesce(jsonb_agg((to_jsonb(m) - 'embedding') ||
                                  jsonb_build_object('embedding', encode(m.embedding, 'base64'))
                                  ORDER BY m.updated_at DESC, m.id),
                        '[]'::jsonb)
          FROM (${RECALL_SELECT(`${p(embeddingModel)}::varchar`)}
                ${RECALL_FROM(ids.userId, ids.messageCreatedAt)}) m)`;
  }

  /** What `recallRead` found (timestamps as ISO strings, the vector as base64). */
  recallFromRead(json: unknown): MemoryRecord[] {
    return ((json ?? []) as Row[]).map((r) =>
      toRecallRecord(
        withDates(r, ['event_from', 'event_to', 'valid_until', 'created_at', 'updated_at']),
        typeof r.embedding === 'string' ? Buffer.from(r.embedding, 'base64') : null,
      ),
    );
  }

  /** Stores a memory's vector (when it was written before the endpoint answered, or corrected). */
  async setEmbedding(userId: string, id: string, bytes: Buffer, model: string): Promise<void> {
    await this.db.query(
      `UPDATE memories SET embedding = $3, embedding_model = $4 WHERE user_id = $1 AND id = $2`,
      [userId, id, bytes, model],
    );
  }

  /**
   * Adds a memory; the same fact already current (same normalised text) absorbs it instead: its
   * sources are merged and its importance kept at the higher of the two. Returns the id kept.
   */
  add(userId: string, memory: NewMemory, tx?: EntityManager): Promise<string> {
    return this.insert(tx ?? this.db.manager, userId, memory);
  }

  /** The same fact heard again: the current memory gains the new sources. */
  async addSources(
    userId: string,
    id: string,
    sourceMessageIds: string[],
    tx?: EntityManager,
  ): Promise<void> {
    await (tx ?? this.db.manager).query(
      `UPDATE memories
          SET source_message_ids = ARRAY(SELECT DISTINCT unnest(source_message_ids || $3::uuid[])), updated_at = now()
        WHERE user_id = $1 AND id = $2`,
      [userId, id, sourceMessageIds],
    );
  }

  /**
   * Replaces a current memory with a new version: the old one stays, pointing to the new one.
   * Null when there is no such current memory of this user.
   */
  async supersede(
    userId: string,
    targetId: string,
    memory: NewMemory,
    tx?: EntityManager,
  ): Promise<string | null> {
    const run = async (m: EntityManager) => {
      const locked = await m.query<Row[]>(
        `SELECT id FROM memories WHERE user_id = $1 AND id = $2 AND superseded_by IS NULL FOR UPDATE`,
        [userId, targetId],
      );
      if (!locked[0]) return null;
      // The old version leaves the current set first, so that the new one may share its key.
      await m.query(`UPDATE memories SET superseded_by = id WHERE id = $1`, [targetId]);
      const id = await this.insert(m, userId, memory);
      await m.query(`UPDATE memories SET superseded_by = $2, updated_at = now() WHERE id = $1`, [
        targetId,
        id,
      ]);
      return id;
    };
    return tx ? run(tx) : this.db.transaction(run);
  }

  /** Deletes a memory and the older versions it replaced; false when the user has no such memory. */
  async delete(userId: string, id: string): Promise<boolean> {
    const rows = await this.db.query<Row[]>(
      `WITH RECURSIVE chain AS (
         SELECT id FROM memories WHERE user_id = $1 AND id = $2
         UNION
         SELECT m.id FROM memories m JOIN chain c ON m.superseded_by = c.id WHERE m.user_id = $1 AND m.id <> c.id
       )
       DELETE FROM memories WHERE user_id = $1 AND id IN (SELECT id FROM chain) RETURNING id`,
      [userId, id],
    );
    return updatedRows(rows).length > 0;
  }

  async deleteAll(userId: string): Promise<number> {
    const rows = await this.db.query<Row[]>(
      `DELETE FROM memories WHERE user_id = $1 RETURNING id`,
      [userId],
    );
    return updatedRows(rows).length;
  }

  /**
   * A forget, in the caller's transaction: deletes the memories named (with the older versions
   * they replaced) and every memory drawn from the messages, and records them as they were in a
   * new `memory_forgets` row, for undo until `undoUntil`. Returns the deleted memories' ids.
   */
  async recordForget(
    tx: EntityManager,
    userId: string,
    forget: NewForget & { memoryIds: readonly string[] },
  ): Promise<string[]> {
    const gone = updatedRows(
      await tx.query(
        `WITH RECURSIVE chain AS (
           SELECT id FROM memories WHERE user_id = $1 AND id = ANY($2::uuid[])
           UNION
           SELECT m.id FROM memories m JOIN chain c ON m.superseded_by = c.id
            WHERE m.user_id = $1 AND m.id <> c.id
         )
         DELETE FROM memories
          WHERE user_id = $1 AND (id IN (SELECT id FROM chain) OR source_message_ids && $3::uuid[])
         RETURNING id, to_jsonb(memories.*) AS saved`,
        [userId, forget.memoryIds, forget.messageIds],
      ),
    );
    await tx.query(
      `INSERT INTO memory_forgets (id, user_id, scope, topic, message_ids, request_message_ids,
                                   saved_memories, undo_until)
       VALUES ($1, $2, $3, $4, $5::uuid[], $6::uuid[], $7::jsonb, $8)`,
      [
        forget.id,
        userId,
        forget.scope,
        forget.topic,
        forget.messageIds,
        forget.requestMessageIds,
        JSON.stringify(gone.map((g) => g.saved)),
        forget.undoUntil,
      ],
    );
    return gone.map((g) => g.id as string);
  }

  /** The user's forgets, newest first. */
  async forgets(userId: string, limit = 100): Promise<ForgetRecord[]> {
    const rows = await this.db.query<Row[]>(
      `SELECT ${FORGET_COLUMNS} FROM memory_forgets WHERE user_id = $1
        ORDER BY created_at DESC LIMIT $2`,
      [userId, limit],
    );
    return rows.map(toForget);
  }

  async forget(userId: string, id: string): Promise<ForgetRecord | null> {
    const rows = await this.db.query<Row[]>(
      `SELECT ${FORGET_COLUMNS} FROM memory_forgets WHERE user_id = $1 AND id = $2`,
      [userId, id],
    );
    return rows[0] ? toForget(rows[0]) : null;
  }

  /** One forget, with its saved memories, locked in the caller's transaction (undo). */
  async lockForget(
    tx: EntityManager,
    userId: string,
    id: string,
  ): Promise<(ForgetRecord & { saved: unknown[] | null }) | null> {
    const rows = await tx.query<Row[]>(
      `SELECT ${FORGET_COLUMNS}, saved_memories FROM memory_forgets
        WHERE user_id = $1 AND id = $2 FOR UPDATE`,
      [userId, id],
    );
    const r = rows[0];
    return r ? { ...toForget(r), saved: (r.saved_memories as unknown[] | null) ?? null } : null;
  }

  /**
   * Undo, in the caller's transaction: puts the saved memories back as they were (a memory
   * learnt again since keeps its newer copy), marks the forget undone and drops its copy.
   * Returns how many memories came back.
   */
  async undoForget(
    tx: EntityManager,
    userId: string,
    id: string,
    saved: readonly unknown[],
  ): Promise<number> {
    const restored = saved.length
      ? updatedRows(
          await tx.query(
            `INSERT INTO memories
             SELECT * FROM jsonb_populate_recordset(NULL::memories, $2::jsonb) r WHERE r.user_id = $1
             ON CONFLICT DO NOTHING RETURNING id`,
            [userId, JSON.stringify(saved)],
          ),
        ).length
      : 0;
    await tx.query(
      `UPDATE memory_forgets SET undone_at = now(), saved_memories = NULL
        WHERE user_id = $1 AND id = $2`,
      [userId, id],
    );
    return restored;
  }

  /** Messages that other forgets of the user (not undone) still keep out of memory. */
  async stillForgotten(tx: EntityManager, userId: string, exceptId: string): Promise<Set<string>> {
    const rows = await tx.query<Array<{ id: string }>>(
      `SELECT DISTINCT unnest(message_ids || request_message_ids) AS id FROM memory_forgets
        WHERE user_id = $1 AND id <> $2 AND undone_at IS NULL`,
      [userId, exceptId],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** A forget's follow-up ran. */
  async followedUp(userId: string, id: string): Promise<void> {
    await this.db.query(
      `UPDATE memory_forgets SET followed_up_at = now() WHERE user_id = $1 AND id = $2`,
      [userId, id],
    );
  }

  /** Forgets whose follow-up has not run though it was due `graceMs` ago, oldest first. */
  async forgetsAwaitingFollowUp(
    graceMs: number,
    limit: number,
  ): Promise<Array<{ id: string; userId: string }>> {
    const rows = await this.db.query<Array<{ id: string; user_id: string }>>(
      `SELECT id, user_id FROM memory_forgets
        WHERE followed_up_at IS NULL AND created_at < now() - make_interval(secs => $1::float8 / 1000)
        ORDER BY created_at LIMIT $2`,
      [graceMs, limit],
    );
    return rows.map((r) => ({ id: r.id, userId: r.user_id }));
  }

  /** Erases the saved copies of forgets whose undo window has passed; returns how many. */
  async purgeExpiredForgets(limit: number): Promise<number> {
    const rows = await this.db.query<unknown>(
      `UPDATE memory_forgets SET saved_memories = NULL
        WHERE id IN (SELECT id FROM memory_forgets
                      WHERE saved_memories IS NOT NULL AND undo_until <= now() LIMIT $1)
        RETURNING id`,
      [limit],
    );
    return updatedRows(rows).length;
  }

  /** Where memory extraction has read the user's messages up to: a time (as text) and an id. */
  async cursor(userId: string): Promise<{ at: string; id: string } | null> {
    const rows = await this.db.query<Array<{ at: string; message_id: string }>>(
      `SELECT at::text AS at, message_id FROM memory_cursors WHERE user_id = $1`,
      [userId],
    );
    return rows[0] ? { at: rows[0].at, id: rows[0].message_id } : null;
  }

  async moveCursor(
    userId: string,
    cursor: { at: string; id: string },
    tx?: EntityManager,
  ): Promise<void> {
    await (tx ?? this.db.manager).query(
      `INSERT INTO memory_cursors (user_id, at, message_id) VALUES ($1, $2::timestamptz, $3)
       ON CONFLICT (user_id) DO UPDATE SET at = EXCLUDED.at, message_id = EXCLUDED.message_id,
                                           updated_at = now()`,
      [userId, cursor.at, cursor.id],
    );
  }

  /** Every memory of the user (every version), in the order learnt, page by page (export). */
  exportMemories(userId: string): AsyncGenerator<Row> {
    return keysetRows(
      this.db,
      `SELECT ${MEMORY_COLUMNS}, created_at::text AS k_at, id AS k_id FROM memories
        WHERE user_id = $1 AND (created_at, id) > (coalesce($2::timestamptz, '-infinity'),
                                                   coalesce($3::uuid, '00000000-0000-0000-0000-000000000000'))
        ORDER BY created_at, id LIMIT $4`,
      userId,
    );
  }

  /** What extraction has read up to, and the user's forgets (their export). */
  async exportState(userId: string): Promise<{ cursor: Row | null; forgets: Row[] }> {
    const [cursor, forgets] = await Promise.all([
      this.db.query<Row[]>(
        `SELECT at, message_id, updated_at FROM memory_cursors WHERE user_id = $1`,
        [userId],
      ),
      this.db.query<Row[]>(
        `SELECT id, scope, topic, message_ids, saved_memories, created_at, undo_until, undone_at
           FROM memory_forgets WHERE user_id = $1 ORDER BY created_at`,
        [userId],
      ),
    ]);
    return { cursor: cursor[0] ?? null, forgets };
  }

  /** Deletes every memory row of the user; returns rows removed per table. */
  async deleteUserData(userId: string): Promise<Record<string, number>> {
    const memories = await deleteInBatches(
      this.db,
      `DELETE FROM memories WHERE id IN (SELECT id FROM memories WHERE user_id = $1 LIMIT $2)
       RETURNING id`,
      userId,
    );
    const forgets = updatedRows(
      await this.db.query(`DELETE FROM memory_forgets WHERE user_id = $1 RETURNING id`, [userId]),
    ).length;
    const cursors = updatedRows(
      await this.db.query(`DELETE FROM memory_cursors WHERE user_id = $1 RETURNING user_id`, [
        userId,
      ]),
    ).length;
    return { memories, memory_forgets: forgets, memory_cursors: cursors };
  }

  async transaction<T>(run: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(run);
  }

  private async insert(m: EntityManager, userId: string, memory: NewMemory): Promise<string> {
    const id = uuidv7();
    const rows = await m.query<Array<{ id: string }>>(
      `INSERT INTO memories (id, user_id, kind, text, language, importance, emotional_intensity, valence, arousal,
                             sensitive, core, event_from, event_to, valid_until, source_message_ids, origin, dedupe_key,
                             embedding, embedding_model)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::uuid[], $16, $17, $18, $19)
       ON CONFLICT (user_id, dedupe_key) WHERE superseded_by IS NULL DO UPDATE
         SET source_message_ids = ARRAY(SELECT DISTINCT unnest(memories.source_message_ids || EXCLUDED.source_message_ids)),
             importance = greatest(memories.importance, EXCLUDED.importance),
             emotional_intensity = greatest(memories.emotional_intensity, EXCLUDED.emotional_intensity),
             sensitive = memories.sensitive OR EXCLUDED.sensitive,
             core = memories.core OR EXCLUDED.core,
             embedding = coalesce(memories.embedding, EXCLUDED.embedding),
             embedding_model = CASE WHEN memories.embedding IS NULL THEN EXCLUDED.embedding_model
                                    ELSE memories.embedding_model END,
             updated_at = now()
       RETURNING id`,
      [
        id,
        userId,
        memory.kind,
        memory.text,
        memory.language,
        memory.importance,
        memory.emotionalIntensity,
        memory.valence,
        memory.arousal,
        memory.sensitive,
        memory.core,
        memory.eventFrom,
        memory.eventTo,
        memory.validUntil,
        memory.sourceMessageIds,
        memory.origin,
        dedupeKey(memory.text),
        memory.embedding?.bytes ?? null,
        memory.embedding?.model ?? null,
      ],
    );
    return rows[0].id;
  }
}

type Row = Record<string, unknown>;

function toMemory(r: Row): Memory {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    id: r.id as string,
    userId: r.user_id as string,
    kind: r.kind as MemoryKind,
    text: r.text as string,
    language: (r.language as string | null) ?? null,
    importance: Number(r.importance),
    emotionalIntensity: Number(r.emotional_intensity),
    valence: num(r.valence),
    arousal: num(r.arousal),
    sensitive: Boolean(r.sensitive),
    core: Boolean(r.core),
    eventFrom: (r.event_from as Date | null) ?? null,
    eventTo: (r.event_to as Date | null) ?? null,
    validUntil: (r.valid_until as Date | null) ?? null,
    supersededBy: (r.superseded_by as string | null) ?? null,
    sourceMessageIds: (r.source_message_ids as string[]) ?? [],
    origin: r.origin as string,
    createdAt: r.created_at as Date,
    updatedAt: r.updated_at as Date,
  };
}

function toRecallRecord(r: Row, vector: Buffer | null): MemoryRecord {
  const m = toMemory(r);
  return {
    id: m.id,
    kind: m.kind,
    text: m.text,
    sourceMessageIds: m.sourceMessageIds,
    importance: m.importance,
    emotionalIntensity: m.emotionalIntensity,
    affect:
      m.valence !== null && m.arousal !== null ? { valence: m.valence, arousal: m.arousal } : null,
    sensitive: m.sensitive,
    core: m.core,
    createdAt: m.createdAt,
    eventSpan: m.eventFrom && m.eventTo ? { from: m.eventFrom, to: m.eventTo } : null,
    validUntil: m.validUntil,
    supersededBy: m.supersededBy,
    embedding: decodeVector(vector),
  };
}

function toForget(r: Row): ForgetRecord {
  return {
    id: r.id as string,
    scope: r.scope as ForgetRecord['scope'],
    topic: (r.topic as string | null) ?? null,
    messageIds: r.message_ids as string[],
    requestMessageIds: r.request_message_ids as string[],
    savedMemories: r.saved_count === null ? null : Number(r.saved_count),
    memoryIds: (r.memory_ids as string[] | null) ?? [],
    createdAt: r.created_at as Date,
    undoUntil: r.undo_until as Date,
    undoneAt: (r.undone_at as Date | null) ?? null,
    followedUpAt: (r.followed_up_at as Date | null) ?? null,
  };
}
