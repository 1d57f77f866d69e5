import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { MessageEntity } from '../conversation/message.entity.js';
import { UserEntity } from '../conversation/user.entity.js';
import type { SpectralTilt } from '../affect/spectral-tilt.js';
import type { ProsodyFeatures } from './prosody/index.js';

/** pending: not transcribed yet; done; no_speech: nothing intelligible; failed: gave up. */
export type TranscriptStatus = 'pending' | 'done' | 'no_speech' | 'failed';

export interface TranscriptQuality {
  segments: number;
  droppedSegments: number;
  /** Mean avg_logprob of the kept segments, when the server gave it. */
  avgLogprob: number | null;
  maxNoSpeechProb: number | null;
  maxCompressionRatio: number | null;
  suspect: boolean;
  wordTimestamps: boolean;
}

/** The audio of a voice message, kept until `expires_at`, and what was measured from it. */
@Entity('voice_clips')
// The expiry job deletes audio in order of expiry, only among clips that still hold audio.
// A user's clips: the export and account deletion.
@Index('IDX_voice_clips_user', ['userId', 'createdAt'])
@Index('IDX_voice_clips_expiry', ['expiresAt'], { where: '"audio" IS NOT NULL' })
// The recovery sweep looks for pending clips whose processing lease ran out.
@Index('IDX_voice_clips_pending_lease', ['processingLeaseUntil'], {
  where: `"transcript_status" = 'pending'`,
})
export class VoiceClipEntity {
  @PrimaryColumn('uuid', { name: 'message_id' })
  messageId!: string;

  @OneToOne(() => MessageEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'message_id' })
  message?: MessageEntity;

  @Column('varchar', { name: 'user_id', length: 128 })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  @Column('varchar', { name: 'mime_type', length: 100 })
  mimeType!: string;

  @Column('varchar', { length: 16 })
  container!: string;

  @Column('varchar', { length: 16 })
  codec!: string;

  @Column('integer', { name: 'size_bytes' })
  sizeBytes!: number;

  @Column('real', { name: 'duration_sec' })
  durationSec!: number;

  /** The phone's original file; null once expired. */
  @Column('bytea', { nullable: true })
  audio!: Buffer | null;

  @Column('timestamptz', { name: 'expires_at' })
  expiresAt!: Date;

  @Column('timestamptz', { name: 'audio_deleted_at', nullable: true })
  audioDeletedAt!: Date | null;

  @Column('varchar', { name: 'transcript_status', length: 16, default: 'pending' })
  transcriptStatus!: TranscriptStatus;

  @Column('varchar', { length: 16, nullable: true })
  language!: string | null;

  /** Language the app declared at upload, passed to the transcription server. */
  @Column('varchar', { name: 'language_hint', length: 16, nullable: true })
  languageHint!: string | null;

  @Column('jsonb', { name: 'transcript_quality', nullable: true })
  transcriptQuality!: TranscriptQuality | null;

  @Column('jsonb', { nullable: true })
  prosody!: ProsodyFeatures | null;

  /** Spectral tilt of the voiced frames (src/affect/spectral-tilt.ts), an arousal cue. */
  @Column('jsonb', { name: 'spectral_tilt', nullable: true })
  spectralTilt!: SpectralTilt | null;

  @Column('varchar', { name: 'processing_owner', length: 100, nullable: true })
  processingOwner!: string | null;

  @Column('timestamptz', { name: 'processing_lease_until', nullable: true })
  processingLeaseUntil!: Date | null;

  @Column('integer', { default: 0 })
  attempts!: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
