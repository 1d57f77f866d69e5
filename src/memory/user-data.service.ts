import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MemoryRepository, type Memory } from './memory.repository.js';

export interface MemoryView {
  id: string;
  kind: string;
  text: string;
  language: string | null;
  importance: number;
  emotionalIntensity: number;
  sensitive: boolean;
  core: boolean;
  about: { from: string; to: string } | null;
  validUntil: string | null;
  supersededBy: string | null;
  origin: string;
  learntAt: string;
  updatedAt: string;
  sources: Array<{
    messageId: string;
    conversationId: string;
    seq: number;
    role: string;
    text: string;
    at: string;
  }>;
}

/** What a user sees of their own data: memories with their sources, and the full export. */
@Injectable()
export class UserDataService {
  constructor(
    private readonly db: DataSource,
    private readonly memories: MemoryRepository,
  ) {}

  async listMemories(userId: string, includeSuperseded: boolean): Promise<MemoryView[]> {
    const memories = includeSuperseded
      ? await this.memories.all(userId)
      : await this.memories.current(userId);
    return this.withSources(userId, memories);
  }

  async memory(userId: string, id: string): Promise<MemoryView | null> {
    const memory = await this.memories.get(userId, id);
    return memory ? (await this.withSources(userId, [memory]))[0] : null;
  }

  /** Everything the service holds about the user, as JSON (audio as base64 only when asked). */
  async export(userId: string, includeAudio: boolean): Promise<Record<string, unknown>> {
    const q = <T>(sql: string, params: unknown[] = [userId]) => this.db.query<T[]>(sql, params);
    const [user] = await q<Record<string, unknown>>(
      `SELECT id, created_at, last_seen_at, voice_baseline, mood FROM users WHERE id = $1`,
    );
    if (!user) return { user: null };
    const [conversations, messages, clips, affects, memories] = await Promise.all([
      q(
        `SELECT id, title, summary, created_at, last_message_at FROM conversations WHERE user_id = $1 ORDER BY created_at`,
      ),
      q(
        `SELECT id, conversation_id, seq, role, kind, content, status, client_msg_id, in_reply_to, model,
                prompt_version, error_code, created_at, completed_at
           FROM messages WHERE user_id = $1 ORDER BY conversation_id, seq`,
      ),
      q(
        `SELECT message_id, mime_type, container, codec, size_bytes, duration_sec, expires_at, audio_deleted_at,
                transcript_status, language, prosody, spectral_tilt, created_at
                ${includeAudio ? ", encode(audio, 'base64') AS audio_base64" : ''}
           FROM voice_clips WHERE user_id = $1 ORDER BY created_at`,
      ),
      q(
        `SELECT message_id, valence, arousal, label, confidence, incongruence, affect, created_at FROM turn_affects WHERE user_id = $1 ORDER BY created_at`,
      ),
      this.listMemories(userId, true),
    ]);
    return {
      exportedAt: new Date().toISOString(),
      user,
      conversations,
      messages,
      voiceClips: clips,
      turnAffects: affects,
      memories,
    };
  }

  private async withSources(userId: string, memories: Memory[]): Promise<MemoryView[]> {
    const ids = [...new Set(memories.flatMap((m) => m.sourceMessageIds))];
    const rows = ids.length
      ? await this.db.query<
          Array<{
            id: string;
            conversation_id: string;
            seq: number;
            role: string;
            content: string;
            created_at: Date;
          }>
        >(
          `SELECT id, conversation_id, seq, role, content, created_at FROM messages
            WHERE user_id = $1 AND id = ANY($2::uuid[])`,
          [userId, ids],
        )
      : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return memories.map((m) => ({
      id: m.id,
      kind: m.kind,
      text: m.text,
      language: m.language,
      importance: m.importance,
      emotionalIntensity: m.emotionalIntensity,
      sensitive: m.sensitive,
      core: m.core,
      about:
        m.eventFrom && m.eventTo
          ? { from: m.eventFrom.toISOString(), to: m.eventTo.toISOString() }
          : null,
      validUntil: m.validUntil?.toISOString() ?? null,
      supersededBy: m.supersededBy,
      origin: m.origin,
      learntAt: m.createdAt.toISOString(),
      updatedAt: m.updatedAt.toISOString(),
      sources: m.sourceMessageIds.flatMap((id) => {
        const r = byId.get(id);
        return r
          ? [
              {
                messageId: r.id,
                conversationId: r.conversation_id,
                seq: r.seq,
                role: r.role,
                text: r.content,
                at: r.created_at.toISOString(),
              },
            ]
          : [];
      }),
    }));
  }
}
