import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { UserEntity } from '../conversation/user.entity.js';

/**
 * How far memory extraction has read a user's messages: the last one's time and id (messages
 * are read in (created_at, id) order, so ties in time are not skipped).
 */
@Entity('memory_cursors')
export class MemoryCursorEntity {
  @PrimaryColumn('varchar', { name: 'user_id', length: 128 })
  userId!: string;

  @OneToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;

  @Column('timestamptz')
  at!: Date;

  @Column('uuid', { name: 'message_id' })
  messageId!: string;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
