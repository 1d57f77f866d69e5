import { Column, CreateDateColumn, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { MessageEntity } from '../chat/message.entity.js';

/** Why a reply said what it said: what went into its prompt, and how it went (src/operator). */
@Entity('turn_traces')
export class TurnTraceEntity {
  @PrimaryColumn('uuid', { name: 'reply_id' })
  replyId!: string;

  @OneToOne(() => MessageEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'reply_id' })
  reply?: MessageEntity;

  @Column('varchar', { name: 'user_id', length: 128 })
  userId!: string;

  @Column('jsonb')
  trace!: unknown;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
