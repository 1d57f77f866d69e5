import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One user's activity on one local calendar day of the analytics time zone (ANALYTICS_TIME_ZONE),
 * rolled up by the analytics jobs from the owners' tables (docs/analytics.md). Exports and
 * retention read these rows, never the raw messages. A day is written whole for a set of users
 * (delete + insert in one transaction), so re-running it gives the same rows. No message text.
 */
@Entity('analytics_user_days')
// The nightly roll-up replaces a day; exports read a range of days.
@Index('IDX_analytics_user_days_day', ['day'])
export class AnalyticsUserDayEntity {
  @PrimaryColumn('varchar', { name: 'user_id', length: 128 })
  userId!: string;

  @PrimaryColumn('date')
  day!: string;

  /** User messages sent (text and voice). */
  @Column('integer', { default: 0 })
  messages!: number;

  @Column('integer', { name: 'voice_messages', default: 0 })
  voiceMessages!: number;

  /** Replies the user was given that ended `completed`. */
  @Column('integer', { default: 0 })
  replies!: number;

  /** Sessions that started this day, and their summed length (docs/analytics.md#sessions). */
  @Column('integer', { default: 0 })
  sessions!: number;

  @Column('integer', { name: 'session_seconds', default: 0 })
  sessionSeconds!: number;

  /** User messages sent between the late-night hours of the user's own time zone. */
  @Column('integer', { name: 'late_night_messages', default: 0 })
  lateNightMessages!: number;

  /** The user's first and last message of the day, and of voice messages (rolling retention). */
  @Column('timestamptz', { name: 'first_message_at', nullable: true })
  firstMessageAt!: Date | null;

  @Column('timestamptz', { name: 'last_message_at', nullable: true })
  lastMessageAt!: Date | null;

  @Column('timestamptz', { name: 'first_voice_at', nullable: true })
  firstVoiceAt!: Date | null;

  @Column('timestamptz', { name: 'last_voice_at', nullable: true })
  lastVoiceAt!: Date | null;

  /**
   * Reactions to replies. Null: not measured (the reactions feature fills them through
   * `ReactionCounts`, src/analytics/rollup.ts); zero means measured and none.
   */
  @Column('integer', { name: 'thumbs_up', nullable: true })
  thumbsUp!: number | null;

  @Column('integer', { name: 'thumbs_down', nullable: true })
  thumbsDown!: number | null;

  @Column('integer', { nullable: true })
  regenerates!: number | null;

  /** Crisis protocol replies given, and those that named crisis resources (referrals). */
  @Column('integer', { name: 'crisis_events', default: 0 })
  crisisEvents!: number;

  @Column('integer', { name: 'crisis_referrals', default: 0 })
  crisisReferrals!: number;

  /** Compliance notices shown (disclosures, break reminders). */
  @Column('integer', { name: 'notices_shown', default: 0 })
  noticesShown!: number;

  /** Sum and count of the day's turn affect valences (first-week mood). */
  @Column('double precision', { name: 'valence_sum', default: 0 })
  valenceSum!: number;

  @Column('integer', { name: 'affect_count', default: 0 })
  affectCount!: number;

  /** Null until experiments assign variants (`ExperimentVariants`, src/analytics/rollup.ts). */
  @Column('varchar', { name: 'experiment_variant', length: 64, nullable: true })
  experimentVariant!: string | null;

  /** What the app said in its last handshake before the roll-up, and the age band known. */
  @Column('varchar', { length: 16, nullable: true })
  platform!: string | null;

  @Column('varchar', { name: 'app_version', length: 32, nullable: true })
  appVersion!: string | null;

  @Column('varchar', { name: 'age_band', length: 16, nullable: true })
  ageBand!: string | null;

  /** The local day the user row was created (signup). */
  @Column('date', { name: 'signup_day', nullable: true })
  signupDay!: string | null;

  @Column('timestamptz', { name: 'rolled_up_at', default: () => 'now()' })
  rolledUpAt!: Date;
}

/**
 * One session (docs/analytics.md#sessions): user messages with no gap longer than
 * ANALYTICS_SESSION_GAP_MIN, counted on the local day it started.
 */
@Entity('analytics_sessions')
@Index('IDX_analytics_sessions_day', ['day'])
export class AnalyticsSessionEntity {
  @PrimaryColumn('varchar', { name: 'user_id', length: 128 })
  userId!: string;

  @PrimaryColumn('timestamptz', { name: 'started_at' })
  startedAt!: Date;

  @Column('date')
  day!: string;

  @Column('integer')
  seconds!: number;

  @Column('integer')
  messages!: number;
}

/**
 * A day rolled up whole (every user), and when: exports count a day as data only once a whole
 * roll-up ran after it ended (`dataThrough`), so a half-seen day is never read as final.
 */
@Entity('analytics_rollup_days')
export class AnalyticsRollupDayEntity {
  @PrimaryColumn('date')
  day!: string;

  @Column('timestamptz', { name: 'rolled_up_at' })
  rolledUpAt!: Date;

  /** The roll-up started after the day's end in the analytics time zone. */
  @Column('boolean')
  complete!: boolean;

  @Column('integer', { name: 'user_days' })
  userDays!: number;
}

/**
 * One user's retention facts for one event (`message`, `voice_message`), kept from their
 * analytics_user_days rows by the same roll-ups (docs/analytics.md#the-cohort-roll-up): first-time
 * retention of any granularity, mode and return kind reads one row per user instead of every
 * user-day. Rebuilt whole for a user whenever one of their days is rolled up, so re-running a
 * day gives the same row.
 */
@Entity('analytics_user_cohorts')
// Retention reads the cohorts of a range of first days.
@Index('IDX_analytics_user_cohorts_first', ['event', 'firstDay'])
export class AnalyticsUserCohortEntity {
  @PrimaryColumn('varchar', { name: 'user_id', length: 128 })
  userId!: string;

  /** The activity event these facts are about: `message` or `voice_message`. */
  @PrimaryColumn('varchar', { length: 16 })
  event!: string;

  /** The first local day with the event (the first-time cohort day), and its first instant. */
  @Column('date', { name: 'first_day' })
  firstDay!: string;

  @Column('timestamptz', { name: 'first_at' })
  firstAt!: Date;

  /** The last local day with the event. */
  @Column('date', { name: 'last_day' })
  lastDay!: string;

  /** Bit i is 1 when the event happened on first_day + i (a bit per day to last_day). */
  @Column('bit varying', { name: 'active_days' })
  activeDays!: string;

  /** The first and last instant of the event on each of those days, in day order (rolling). */
  @Column('timestamptz', { name: 'day_firsts', array: true })
  dayFirsts!: Date[];

  @Column('timestamptz', { name: 'day_lasts', array: true })
  dayLasts!: Date[];

  /** What the first day's roll-up says (the breakdowns of a first-time cohort). */
  @Column('date', { name: 'signup_day', nullable: true })
  signupDay!: string | null;

  @Column('varchar', { length: 16, nullable: true })
  platform!: string | null;

  @Column('varchar', { name: 'experiment_variant', length: 64, nullable: true })
  experimentVariant!: string | null;

  @Column('varchar', { name: 'age_band', length: 16, nullable: true })
  ageBand!: string | null;

  /** Over first_day and the six days after it: a voice message sent, and the turn readings. */
  @Column('boolean', { name: 'first_week_voice' })
  firstWeekVoice!: boolean;

  @Column('double precision', { name: 'first_week_valence_sum' })
  firstWeekValenceSum!: number;

  @Column('integer', { name: 'first_week_affect_count' })
  firstWeekAffectCount!: number;

  @Column('timestamptz', { name: 'rolled_up_at', default: () => 'now()' })
  rolledUpAt!: Date;
}
