import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ProsodyFeatures } from '../voice/prosody/index.js';
import type { TurnAffect } from './fuse-affect.js';
import type { SpectralTilt } from './spectral-tilt.js';
import type { TextEmotion } from './text-emotion.js';

export interface TurnContext {
  messageId: string;
  userId: string;
  conversationId: string;
  kind: 'text' | 'voice';
  content: string;
  createdAt: Date;
  prosody: ProsodyFeatures | null;
  spectralTilt: SpectralTilt | null;
  transcriptLanguage: string | null;
  voiceBaseline: unknown;
  userMood: unknown;
  conversationMood: unknown;
  existing: { affect: TurnAffect; textEmotion: TextEmotion | null } | null;
}

/** Postgres access for affect: turns, moods and voice baselines, always by message or user. */
@Injectable()
export class AffectRepository {
  constructor(private readonly db: DataSource) {}

  /** Everything assessing one user message needs, in one query. */
  async turnContext(messageId: string): Promise<TurnContext | null> {
    const rows = await this.db.query<Array<Record<string, unknown>>>(
      `SELECT m.id, m.user_id, m.conversation_id, m.kind, m.content, m.created_at,
              c.prosody, c.spectral_tilt, c.language AS transcript_language,
              u.voice_baseline, u.mood AS user_mood, conv.mood AS conversation_mood,
              ta.affect AS existing_affect, ta.text_emotion AS existing_text
         FROM messages m
         JOIN users u ON u.id = m.user_id
         JOIN conversations conv ON conv.id = m.conversation_id
         LEFT JOIN voice_clips c ON c.message_id = m.id
         LEFT JOIN turn_affects ta ON ta.message_id = m.id
        WHERE m.id = $1 AND m.role = 'user'`,
      [messageId],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      messageId: r.id as string,
      userId: r.user_id as string,
      conversationId: r.conversation_id as string,
      kind: r.kind as 'text' | 'voice',
      content: r.content as string,
      createdAt: r.created_at as Date,
      prosody: (r.prosody as ProsodyFeatures | null) ?? null,
      spectralTilt: (r.spectral_tilt as SpectralTilt | null) ?? null,
      transcriptLanguage: (r.transcript_language as string | null) ?? null,
      voiceBaseline: r.voice_baseline,
      userMood: r.user_mood,
      conversationMood: r.conversation_mood,
      existing: r.existing_affect
        ? {
            affect: r.existing_affect as TurnAffect,
            textEmotion: (r.existing_text as TextEmotion | null) ?? null,
          }
        : null,
    };
  }

  /**
   * Stores the turn's affect and the moods it moved, in one statement; the moods change only if
   * the turn was not stored before (a retried reply does not count a turn twice).
   */
  async saveTurn(input: {
    messageId: string;
    userId: string;
    conversationId: string;
    affect: TurnAffect;
    textEmotion: TextEmotion | null;
    conversationMood: unknown;
    userMood: unknown;
  }): Promise<boolean> {
    const { affect } = input;
    const rows = await this.db.query<Array<{ inserted: number }>>(
      `WITH ta AS (INSERT INTO turn_affects (message_id, user_id, conversation_id, valence, arousal, label,
                                             confidence, incongruence, affect, text_emotion)
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                   ON CONFLICT (message_id) DO NOTHING RETURNING message_id),
            cm AS (UPDATE conversations SET mood = $11 WHERE id = $3 AND EXISTS (SELECT 1 FROM ta)),
            um AS (UPDATE users SET mood = $12 WHERE id = $2 AND EXISTS (SELECT 1 FROM ta))
       SELECT count(*)::int AS inserted FROM ta`,
      [
        input.messageId,
        input.userId,
        input.conversationId,
        affect.valence,
        affect.arousal,
        affect.label,
        affect.confidence,
        affect.incongruence?.kind ?? null,
        JSON.stringify(affect),
        input.textEmotion ? JSON.stringify(input.textEmotion) : null,
        JSON.stringify(input.conversationMood),
        JSON.stringify(input.userMood),
      ],
    );
    return (rows[0]?.inserted ?? 0) > 0;
  }

  async voiceBaseline(userId: string): Promise<unknown> {
    const rows = await this.db.query<Array<{ voice_baseline: unknown }>>(
      `SELECT voice_baseline FROM users WHERE id = $1`,
      [userId],
    );
    return rows[0]?.voice_baseline ?? null;
  }

  /**
   * Folds one clip into its user's baseline under the user's row lock (two clips of one user
   * never overwrite each other's update), once: a clip already folded in is skipped. `update`
   * gets the stored baseline and the clip.
   */
  async updateVoiceBaseline(
    messageId: string,
    update: (
      stored: unknown,
      clip: { prosody: ProsodyFeatures; spectralTilt: SpectralTilt | null },
    ) => unknown,
  ): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<Array<Record<string, unknown>>>(
        `SELECT u.id, u.voice_baseline, c.prosody, c.spectral_tilt
           FROM voice_clips c JOIN users u ON u.id = c.user_id
          WHERE c.message_id = $1 AND c.prosody IS NOT NULL AND c.baseline_at IS NULL
          FOR UPDATE OF u, c`,
        [messageId],
      );
      const r = rows[0];
      if (!r) return false;
      const next = update(r.voice_baseline, {
        prosody: r.prosody as ProsodyFeatures,
        spectralTilt: (r.spectral_tilt as SpectralTilt | null) ?? null,
      });
      await tx.query(`UPDATE users SET voice_baseline = $2 WHERE id = $1`, [
        r.id,
        JSON.stringify(next),
      ]);
      await tx.query(`UPDATE voice_clips SET baseline_at = now() WHERE message_id = $1`, [
        messageId,
      ]);
      return true;
    });
  }
}
