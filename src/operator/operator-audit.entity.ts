import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** Every operator action that reads or changes a user's data, who did it and when. */
@Entity('operator_audit')
// Reviews go through one operator's actions, newest first.
@Index('IDX_operator_audit_operator_time', ['operatorId', 'createdAt'])
// The whole log, newest first, a page at a time (admins).
@Index('IDX_operator_audit_time', ['createdAt', 'id'])
// What operators did with one user's data (and its anonymisation when the account is deleted).
@Index('IDX_operator_audit_subject', ['subjectUserId'], { where: '"subject_user_id" IS NOT NULL' })
export class OperatorAuditEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('varchar', { name: 'operator_id', length: 128 })
  operatorId!: string;

  @Column('varchar', { length: 64 })
  action!: string;

  @Column('varchar', { name: 'target_id', length: 128 })
  targetId!: string;

  @Column('varchar', { name: 'subject_user_id', length: 128, nullable: true })
  subjectUserId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
