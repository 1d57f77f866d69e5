import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * A rule admins manage (docs/operator.md#rules): a keyword or a regular expression checked
 * against every user message before it is stored. A `block` rule refuses the message with
 * `blocked_by_rule` and the rule's public reason; a `flag` rule lets it through and raises a flag
 * (source `rule`) for the queue. Every change is a moderation event on the rule.
 */
@Entity('moderation_rules')
export class ModerationRuleEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('varchar', { length: 64 })
  name!: string;

  /** `keyword` (a whole word or phrase, any case) or `regex`. */
  @Column('varchar', { length: 8 })
  kind!: string;

  @Column('varchar', { length: 200 })
  pattern!: string;

  /** `block` or `flag`. */
  @Column('varchar', { length: 8 })
  action!: string;

  @Column('varchar', { length: 48 })
  category!: string;

  /** The priority of the flags it raises (1 is the most urgent; crises are always 1). */
  @Column('smallint', { default: 5 })
  priority!: number;

  /** What a blocked user is told (shown as it is); the rule's own text is never shown. */
  @Column('varchar', { name: 'user_reason', length: 300, nullable: true })
  userReason!: string | null;

  @Column('boolean', { default: true })
  enabled!: boolean;

  @Column('varchar', { name: 'created_by', length: 128 })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
