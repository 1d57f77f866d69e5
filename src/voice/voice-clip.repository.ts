import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { MessageEntity } from '../chat/message.entity.js';
import { rowToMessage, updatedRows, type Row } from '../chat/message.repository.js';
import { encodeTerms } from '../memory/recall/text-terms.js';
import type { VoiceAnalysis } from './analysis/prosody-analyzer.js';
import type { TranscriptQuality, TranscriptStatus } from './voice-clip.entity.js';

export interface ClipToProcess {
  message: MessageEntity;
  audio: Buffer;
  languageHint: string | null;
  attempts: number;
}

/** Postgres access for voice clips; every write is keyed by the message it belongs to. */
@Injectable()
export class VoiceClipRepository {
  constructor(private readonly db: DataSource) {}

  async status(messageId: string): Promise<TranscriptStatus | null> {
    const rows = await this.db.query<Array<{ transcript_status: TranscriptStatus }>>(
      `SELECT transcript_status FROM voice_clips WHERE message_id = $1`,
      [messageId],
    );
    return rows[0]?.transcript_status ?? null;
  }

  /**
   * Stores the transcript as the message's content and closes the clip's processing, in one
   * statement. Returns the updated message, or null if this pod no longer holds the claim.
   */
  async saveTranscript(input: {
    messageId: string;
    owner: string;
    status: Extract<TranscriptStatus, 'done' | 'no_speech'>;
    text: string;
    contentTokens: number;
    language: string | null;
    quality: TranscriptQuality;
  }): Promise<MessageEntity | null> {
    const rows = await this.db.query<Row[]>(
      `WITH clip AS (UPDATE voice_clips
                        SET transcript_status = $3, language = $4, transcript_quality = $5,
                            processing_owner = NULL, processing_lease_until = NULL, updated_at = now()
                      WHERE message_id = $1 AND processing_owner = $2
                      RETURNING message_id)
       UPDATE messages m SET content = $6, content_tokens = $7, search_terms = $8
         FROM clip WHERE m.id = clip.message_id
       RETURNING m.*`,
      [
        input.messageId,
        input.owner,
        input.status,
        input.language,
        JSON.stringify(input.quality),
        input.text,
        input.contentTokens,
        input.text ? encodeTerms(input.text) : null,
      ],
    );
    const row = updatedRows(rows)[0];
    return row ? rowToMessage(row) : null;
  }

  async saveAnalysis(messageId: string, analysis: VoiceAnalysis): Promise<void> {
    await this.db.query(
      `UPDATE voice_clips SET prosody = $2, spectral_tilt = $3, updated_at = now() WHERE message_id = $1`,
      [messageId, JSON.stringify(analysis.features), JSON.stringify(analysis.spectral)],
    );
  }

  /** Gives up on transcribing this clip (for now); a resend of the message claims it again. */
  async markFailed(messageId: string, owner: string): Promise<void> {
    await this.db.query(
      `UPDATE voice_clips SET transcript_status = 'failed', processing_owner = NULL,
              processing_lease_until = NULL, updated_at = now()
        WHERE message_id = $1 AND processing_owner = $2`,
      [messageId, owner],
    );
  }

  /**
   * Claims a clip whose transcription failed (or whose pod died) for another attempt, at the
   * request of its user. Null when it is done, expired or claimed by a live pod.
   */
  async claimForRetry(
    messageId: string,
    userId: string,
    owner: string,
    leaseMs: number,
  ): Promise<ClipToProcess | null> {
    return this.claim(
      `message_id = $3 AND user_id = $4 AND audio IS NOT NULL
       AND (transcript_status = 'failed'
            OR (transcript_status = 'pending' AND processing_lease_until < now()))`,
      [owner, leaseMs, messageId, userId],
    ).then((clips) => clips[0] ?? null);
  }

  /** Claims pending clips whose processing lease ran out (their pod died), for this pod. */
  claimAbandoned(
    owner: string,
    leaseMs: number,
    maxAttempts: number,
    limit = 5,
  ): Promise<ClipToProcess[]> {
    return this.claim(
      `transcript_status = 'pending' AND processing_lease_until < now() AND audio IS NOT NULL
       AND attempts < $3`,
      [owner, leaseMs, maxAttempts],
      limit,
    );
  }

  /** Pending clips that ran out of attempts are failed for good (their users are told). */
  async failExhausted(maxAttempts: number): Promise<MessageEntity[]> {
    const rows = await this.db.query<Row[]>(
      `WITH clip AS (UPDATE voice_clips SET transcript_status = 'failed', processing_owner = NULL,
                            processing_lease_until = NULL, updated_at = now()
                      WHERE transcript_status = 'pending' AND processing_lease_until < now()
                        AND (attempts >= $1 OR audio IS NULL)
                      RETURNING message_id)
       SELECT m.* FROM messages m JOIN clip ON m.id = clip.message_id`,
      [maxAttempts],
    );
    return rows.map(rowToMessage);
  }

  /** Deletes the audio of expired clips (transcript and features stay); returns how many. */
  async expireAudio(limit = 1000): Promise<number> {
    const rows = await this.db.query<unknown[]>(
      `UPDATE voice_clips SET audio = NULL, audio_deleted_at = now(), updated_at = now()
        WHERE message_id IN (SELECT message_id FROM voice_clips
                              WHERE audio IS NOT NULL AND expires_at <= now()
                              ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING message_id`,
      [limit],
    );
    return updatedRows(rows).length;
  }

  private async claim(where: string, params: unknown[], limit = 1): Promise<ClipToProcess[]> {
    const rows = await this.db.query<Row[]>(
      `WITH clip AS (UPDATE voice_clips
                        SET transcript_status = 'pending', processing_owner = $1,
                            processing_lease_until = now() + make_interval(secs => $2::double precision / 1000),
                            attempts = attempts + 1, updated_at = now()
                      WHERE message_id IN (SELECT message_id FROM voice_clips WHERE ${where}
                                            LIMIT ${Number(limit)} FOR UPDATE SKIP LOCKED)
                      RETURNING message_id, audio, language_hint, attempts)
       SELECT m.*, clip.audio AS clip_audio, clip.language_hint AS clip_language_hint,
              clip.attempts AS clip_attempts
         FROM messages m JOIN clip ON m.id = clip.message_id`,
      params,
    );
    return rows.map((r) => ({
      message: rowToMessage(r),
      audio: r.clip_audio as Buffer,
      languageHint: (r.clip_language_hint as string | null) ?? null,
      attempts: Number(r.clip_attempts),
    }));
  }
}
