import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { SpectralTilt } from '../affect/spectral-tilt.js';
import { deleteInBatches, keysetRows } from '../common/keyset.js';
import { updatedRows, type Row } from '../common/sql-rows.js';
import type { VoiceAnalysis } from './analysis/prosody-analyzer.js';
import type { ProsodyFeatures } from './prosody/index.js';
import type { TranscriptQuality, TranscriptStatus } from './voice-clip.entity.js';

export interface ClipToProcess {
  messageId: string;
  audio: Buffer;
  languageHint: string | null;
  attempts: number;
}

export interface NewVoiceClip {
  mimeType: string;
  container: string;
  codec: string;
  audio: Buffer;
  durationSec: number;
  retentionSec: number;
  languageHint?: string;
  /** The process that will transcribe and analyse it, and for how long that claim holds. */
  processingOwner: string;
  processingLeaseMs: number;
}

/** A clip's measurements and transcript language, as a turn reads them. */
export interface ClipFindings {
  messageId: string;
  prosody: ProsodyFeatures;
  spectral: SpectralTilt | null;
  language: string | null;
}

/** Postgres access for voice clips; every write is keyed by the message it belongs to. */
/**
 * Bytes of audio read at a time for the export: a multiple of 3 (so the base64 pieces join to
 * the whole's), and small enough that its base64 stays out of V8's large-object space.
 */
const AUDIO_CHUNK_BYTES = 3 * 24 * 1024;

@Injectable()
export class VoiceClipRepository {
  constructor(private readonly db: DataSource) {}

  /** Stores a clip for a message just stored, in the caller's transaction. */
  async insert(
    messageId: string,
    userId: string,
    clip: NewVoiceClip,
    tx: EntityManager,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO voice_clips (message_id, user_id, mime_type, container, codec, size_bytes,
                                duration_sec, audio, expires_at, language_hint,
                                processing_owner, processing_lease_until)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
               now() + make_interval(secs => $9::double precision), $10,
               $11, now() + make_interval(secs => $12::double precision / 1000))`,
      [
        messageId,
        userId,
        clip.mimeType,
        clip.container,
        clip.codec,
        clip.audio.length,
        clip.durationSec,
        clip.audio,
        clip.retentionSec,
        clip.languageHint ?? null,
        clip.processingOwner,
        clip.processingLeaseMs,
      ],
    );
  }

  /** What voice analysis measured for these messages (those that have a measurement). */
  async findings(messageIds: readonly string[]): Promise<ClipFindings[]> {
    if (messageIds.length === 0) return [];
    const rows = await this.db.query<Row[]>(
      `SELECT message_id, prosody, spectral_tilt, language FROM voice_clips
        WHERE message_id = ANY($1::uuid[]) AND prosody IS NOT NULL`,
      [messageIds],
    );
    return rows.map((r) => ({
      messageId: r.message_id as string,
      prosody: r.prosody as ProsodyFeatures,
      spectral: (r.spectral_tilt as SpectralTilt | null) ?? null,
      language: (r.language as string | null) ?? null,
    }));
  }

  async status(messageId: string): Promise<TranscriptStatus | null> {
    const rows = await this.db.query<Array<{ transcript_status: TranscriptStatus }>>(
      `SELECT transcript_status FROM voice_clips WHERE message_id = $1`,
      [messageId],
    );
    return rows[0]?.transcript_status ?? null;
  }

  /**
   * Closes the clip's processing with its transcript status, in the caller's transaction (which
   * also stores the transcript as the message's text). False when this process no longer holds
   * the claim (another took over): then nothing is written.
   */
  async finishTranscript(
    input: {
      messageId: string;
      owner: string;
      status: Extract<TranscriptStatus, 'done' | 'no_speech'>;
      language: string | null;
      quality: TranscriptQuality;
    },
    tx: EntityManager,
  ): Promise<boolean> {
    const rows = await tx.query<unknown[]>(
      `UPDATE voice_clips
          SET transcript_status = $3, language = $4, transcript_quality = $5,
              processing_owner = NULL, processing_lease_until = NULL, updated_at = now()
        WHERE message_id = $1 AND processing_owner = $2
        RETURNING message_id`,
      [input.messageId, input.owner, input.status, input.language, JSON.stringify(input.quality)],
    );
    return updatedRows(rows).length > 0;
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

  /** Pending clips that ran out of attempts are failed for good; returns their message ids. */
  async failExhausted(maxAttempts: number): Promise<string[]> {
    const rows = await this.db.query<unknown[]>(
      `UPDATE voice_clips SET transcript_status = 'failed', processing_owner = NULL,
              processing_lease_until = NULL, updated_at = now()
        WHERE transcript_status = 'pending' AND processing_lease_until < now()
          AND (attempts >= $1 OR audio IS NULL)
        RETURNING message_id`,
      [maxAttempts],
    );
    return updatedRows(rows).map((r) => r.message_id as string);
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

  /** The user's clips for their export, page by page, without the audio (see `audioChunks`). */
  exportClips(userId: string): AsyncGenerator<Row> {
    return keysetRows(
      this.db,
      `SELECT message_id, mime_type, container, codec, size_bytes, duration_sec, expires_at,
              audio_deleted_at, transcript_status, language, transcript_quality, prosody,
              spectral_tilt, created_at, audio IS NOT NULL AS has_audio,
              created_at::text AS k_at, message_id AS k_id
         FROM voice_clips
        WHERE user_id = $1 AND (created_at, message_id) > (coalesce($2::timestamptz, '-infinity'),
                                                           coalesce($3::uuid, '00000000-0000-0000-0000-000000000000'))
        ORDER BY created_at, message_id LIMIT $4`,
      userId,
      100,
    );
  }

  /**
   * One clip's audio as base64, in pieces that join to the whole (an export never holds a whole
   * clip: each piece is read on its own, a few tens of KiB). Postgres breaks its base64 into lines
   * of 76 characters; those newlines are taken out. Nothing when the clip or its audio is gone.
   */
  async *audioChunks(
    userId: string,
    messageId: string,
    chunkBytes = AUDIO_CHUNK_BYTES,
  ): AsyncGenerator<string> {
    const [row] = await this.db.query<Array<{ bytes: number | null }>>(
      `SELECT octet_length(audio) AS bytes FROM voice_clips WHERE message_id = $1 AND user_id = $2`,
      [messageId, userId],
    );
    const bytes = row?.bytes ?? 0;
    for (let from = 0; from < bytes; from += chunkBytes) {
      const [chunk] = await this.db.query<Array<{ piece: string | null }>>(
        `SELECT translate(encode(substring(audio FROM $3 FOR $4), 'base64'), chr(10), '') AS piece
           FROM voice_clips WHERE message_id = $1 AND user_id = $2`,
        [messageId, userId, from + 1, chunkBytes],
      );
      if (!chunk?.piece) return;
      yield chunk.piece;
    }
  }

  /** Deletes the user's clips, audio and all, in batches; returns how many. */
  deleteUserData(userId: string): Promise<number> {
    return deleteInBatches(
      this.db,
      `DELETE FROM voice_clips WHERE message_id IN
         (SELECT message_id FROM voice_clips WHERE user_id = $1 LIMIT $2) RETURNING message_id`,
      userId,
      50,
    );
  }

  private async claim(where: string, params: unknown[], limit = 1): Promise<ClipToProcess[]> {
    const rows = await this.db.query<Row[]>(
      `UPDATE voice_clips
          SET transcript_status = 'pending', processing_owner = $1,
              processing_lease_until = now() + make_interval(secs => $2::double precision / 1000),
              attempts = attempts + 1, updated_at = now()
        WHERE message_id IN (SELECT message_id FROM voice_clips WHERE ${where}
                              LIMIT ${Number(limit)} FOR UPDATE SKIP LOCKED)
        RETURNING message_id, audio, language_hint, attempts`,
      params,
    );
    return updatedRows(rows).map((r) => ({
      messageId: r.message_id as string,
      audio: r.audio as Buffer,
      languageHint: (r.language_hint as string | null) ?? null,
      attempts: Number(r.attempts),
    }));
  }
}
