import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  UpdateDateColumn,
} from 'typeorm';
import { UserEntity } from '../conversation/user.entity.js';

export const MEMORY_KINDS = ['fact', 'preference', 'person', 'event', 'plan', 'episode'] as const;
export type MemoryKind = (typeof MEMORY_KINDS)[number];

/**
 * Something the companion knows about a user, in the language the user spoke. Never overwritten:
 * a change is a new memory and the old one points to it (`superseded_by`). Deleting at the user's
 * request removes the row (and its older versions).
 */
@Entity('memories')
// Every memory of a user, in the order learnt: the export, the history view, deletion, forgetting.
@Index('IDX_memories_user_created', ['userId', 'createdAt'])
// Recall and the user's list read one user's current memories.
@Index('IDX_memories_user_current', ['userId', 'updatedAt'], { where: '"superseded_by" IS NULL' })
// The same fact twice is one memory: a current memory's normalised text is unique per user.
@Index('UQ_memories_user_dedupe', ['userId', 'dedupeKey'], {
  unique: true,
  where: '"superseded_by" IS NULL',
})
export class MemoryEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('varchar', { name: 'user_id', length: 128 })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  @Column('varchar', { length: 16 })
  kind!: MemoryKind;

  @Column('text')
  text!: string;

  @Column('varchar', { length: 8, nullable: true })
  language!: string | null;

  @Column('real', { default: 0.5 })
  importance!: number;

  @Column('real', { name: 'emotional_intensity', default: 0 })
  emotionalIntensity!: number;

  @Column('real', { nullable: true })
  valence!: number | null;

  @Column('real', { nullable: true })
  arousal!: number | null;

  /** Health, trauma, self-harm history...: phrased with care in prompts, marked in exports. */
  @Column('boolean', { default: false })
  sensitive!: boolean;

  /** Part of the user's core profile (name, people in their life): always recalled. */
  @Column('boolean', { default: false })
  core!: boolean;

  /** When the event or plan is or was (resolved to absolute dates). */
  @Column('timestamptz', { name: 'event_from', nullable: true })
  eventFrom!: Date | null;

  @Column('timestamptz', { name: 'event_to', nullable: true })
  eventTo!: Date | null;

  @Column('timestamptz', { name: 'valid_until', nullable: true })
  validUntil!: Date | null;

  @Column('uuid', { name: 'superseded_by', nullable: true })
  supersededBy!: string | null;

  @Column('uuid', { name: 'source_message_ids', array: true, default: () => "'{}'" })
  sourceMessageIds!: string[];

  /** How it was learnt: 'extraction' (a model read the conversation) or 'user' (a correction). */
  @Column('varchar', { length: 16, default: 'extraction' })
  origin!: string;

  @Column('varchar', { name: 'dedupe_key', length: 64 })
  dedupeKey!: string;

  /** The text's embedding (int8, normalised) and its model, when an embeddings endpoint is set. */
  @Column('bytea', { nullable: true, select: false })
  embedding?: Buffer | null;

  @Column('varchar', { name: 'embedding_model', length: 100, nullable: true, select: false })
  embeddingModel?: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
