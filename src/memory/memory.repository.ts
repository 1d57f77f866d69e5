import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { deleteInBatches, keysetRows } from '../common/keyset.js';
import { updatedRows } from '../common/sql-rows.js';
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

/** Every column but the embedding bytes, which only recall reads. */
const MEMORY_COLUMNS = `id, user_id, kind, text, language, importance, emotional_intensity, valence, arousal,
  sensitive, core, event_from, event_to, valid_until, superseded_by, source_message_ids, origin, created_at, updated_at`;

/**
 * The memory store. Every statement is bound to one user id: there is no path here that reads
 * or writes another user's memories (test/medium/memory-store.test.ts proves it).
 */
@Injectable()
export class MemoryRepository implements MemorySource {
  constructor(private readonly db: DataSource) {}

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
      `SELECT ${MEMORY_COLUMNS},
              CASE WHEN $3::varchar IS NOT NULL AND embedding_model = $3 THEN embedding END AS embedding
         FROM memories
        WHERE user_id = $1 AND superseded_by IS NULL AND (valid_until IS NULL OR valid_until > $2)
        ORDER BY updated_at DESC LIMIT 2000`,
      [userId, at, embeddingModel ?? null],
    );
    return rows
      .map((r) => ({ m: toMemory(r), embedding: decodeVector(r.embedding as Buffer | null) }))
      .map(({ m, embedding }) => ({
        id: m.id,
        kind: m.kind,
        text: m.text,
        sourceMessageIds: m.sourceMessageIds,
        importance: m.importance,
        emotionalIntensity: m.emotionalIntensity,
        affect:
          m.valence !== null && m.arousal !== null
            ? { valence: m.valence, arousal: m.arousal }
            : null,
        sensitive: m.sensitive,
        core: m.core,
        createdAt: m.createdAt,
        eventSpan: m.eventFrom && m.eventTo ? { from: m.eventFrom, to: m.eventTo } : null,
        validUntil: m.validUntil,
        supersededBy: m.supersededBy,
        embedding,
      }));
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
   * "Forget that": every memory (in any version) drawn from these messages is deleted; the
   * caller marks the messages themselves in the same transaction. Returns how many went.
   */
  async forgetMessages(
    userId: string,
    messageIds: readonly string[],
    tx?: EntityManager,
  ): Promise<number> {
    if (messageIds.length === 0) return 0;
    const rows = await (tx ?? this.db.manager).query<Row[]>(
      `DELETE FROM memories WHERE user_id = $1 AND source_message_ids && $2::uuid[] RETURNING id`,
      [userId, messageIds],
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
