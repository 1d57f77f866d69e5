import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { AccountDeletionRepository } from '../../src/account/account-deletion.repository.js';
import { AccountService, type ExportLine } from '../../src/account/account.service.js';
import { AffectRepository } from '../../src/affect/affect.repository.js';
import { AnalyticsRepository } from '../../src/analytics/analytics.repository.js';
import { AnalyticsService } from '../../src/analytics/analytics.service.js';
import { loadConfig } from '../../src/config/app-config.js';
import { MessageRepository } from '../../src/conversation/message.repository.js';
import { dataSourceOptions } from '../../src/database/data-source.js';
import { statementsOf } from '../../src/database/statements.js';
import type { ClientEmitter } from '../../src/gateway/client-emitter.js';
import { ExperimentRepository } from '../../src/feedback/experiments/experiment.repository.js';
import { FeedbackRepository } from '../../src/feedback/feedback.repository.js';
import { FeedbackService } from '../../src/feedback/feedback.service.js';
import { ModerationRepository } from '../../src/moderation/moderation.repository.js';
import { ModerationService } from '../../src/moderation/moderation.service.js';
import { MemoryRepository } from '../../src/memory/memory.repository.js';
import { OperatorAuditRepository } from '../../src/operator/operator-audit.repository.js';
import { ndjsonPieces } from '../../src/account/export-ndjson.js';
import { SafetyRepository } from '../../src/safety/safety.repository.js';
import { TurnTraceRepository } from '../../src/turn/turn-trace.repository.js';
import { TurnTracesService } from '../../src/turn/turn-traces.service.js';
import { VoiceClipRepository } from '../../src/voice/voice-clip.repository.js';
import { sql } from '../support/sql.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
let ds: DataSource;
let account: AccountService;
let analytics: AnalyticsService;
const disconnected: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  ds = new DataSource({ ...dataSourceOptions(db.url, 10), logger: undefined, logging: false });
  await ds.initialize();
  const messages = new MessageRepository(ds);
  analytics = new AnalyticsService(
    loadConfig({ ANALYTICS_PSEUDONYM_KEY: 'a-test-key-that-is-at-least-32-chars' }),
    new AnalyticsRepository(ds),
    messages,
    new SafetyRepository(ds),
    new AffectRepository(ds),
    new FeedbackRepository(ds),
    new ExperimentRepository(ds),
  );
  account = new AccountService(
    messages,
    new VoiceClipRepository(ds),
    new AffectRepository(ds),
    new MemoryRepository(ds),
    new TurnTracesService(new TurnTraceRepository(ds), messages),
    new OperatorAuditRepository(ds),
    new AccountDeletionRepository(ds),
    { disconnectUser: (u: string) => (disconnected.push(u), true) } as unknown as ClientEmitter,
    new SafetyRepository(ds),
    new ModerationService(
      {} as never,
      new ModerationRepository(ds),
      new SafetyRepository(ds),
      messages,
      new OperatorAuditRepository(ds),
      {} as unknown as ClientEmitter,
      {} as never,
    ),
    analytics,
    new FeedbackService(
      { feedback: { editMaxChars: 4000, followupValence: 0.4, consentVersion: '1' } } as never,
      new FeedbackRepository(ds),
      messages,
    ),
    new ExperimentRepository(ds),
  );
});
afterAll(async () => {
  await ds.destroy();
  await db.drop();
});

/**
 * A user with a row in every table that holds user data: a conversation of a user message and a
 * reply, a voice clip with audio, how the message was read, the user's affect state, memories
 * (two versions), the memory cursor, a forget, a trace, and an operator's read of it all.
 */
async function seed(userId: string): Promise<void> {
  await sql(
    db.url,
    `WITH u AS (INSERT INTO users (id, locale, time_zone) VALUES ($1, 'zh-CN', 'Asia/Shanghai')),
          c AS (INSERT INTO conversations (id, user_id, last_seq, title, summary, summary_until_seq)
                VALUES (gen_random_uuid(), $1, 2, 'hi', 'They said hi.', 0) RETURNING id),
          m AS (INSERT INTO messages (id, conversation_id, user_id, seq, role, kind, content, status, client_msg_id)
                SELECT gen_random_uuid(), c.id, $1, 1, 'user', 'voice', 'hello there', 'received', 'c-1' FROM c
                RETURNING id, conversation_id),
          r AS (INSERT INTO messages (id, conversation_id, user_id, seq, role, kind, content, status, in_reply_to, turn_id)
                SELECT gen_random_uuid(), m.conversation_id, $1, 2, 'assistant', 'text', 'hi!', 'completed', m.id,
                       gen_random_uuid() FROM m
                RETURNING id, in_reply_to),
          v AS (INSERT INTO voice_clips (message_id, user_id, mime_type, container, codec, size_bytes, duration_sec,
                                         audio, expires_at, transcript_status)
                SELECT m.id, $1, 'audio/ogg', 'ogg', 'opus', 4, 1.5, '\\x01020304', now() + interval '1 day', 'done'
                  FROM m),
          ta AS (INSERT INTO turn_affects (message_id, user_id, conversation_id, valence, arousal, label, confidence, affect)
                 SELECT m.id, $1, m.conversation_id, 0.1, 0.2, 'calm', 0.5, '{}' FROM m),
          us AS (INSERT INTO affect_user_states (user_id, voice_baseline, mood) VALUES ($1, '{}', '{}')),
          cs AS (INSERT INTO affect_conversation_states (conversation_id, user_id, mood)
                 SELECT c.id, $1, '{"turns": 1}' FROM c),
          me AS (INSERT INTO memories (id, user_id, kind, text, source_message_ids, origin, dedupe_key)
                 SELECT gen_random_uuid(), $1, 'fact', 'Says hello.', ARRAY[m.id], 'extraction', $1 || 'k' FROM m
                 RETURNING id),
          mo AS (INSERT INTO memories (id, user_id, kind, text, source_message_ids, origin, dedupe_key, superseded_by)
                 SELECT gen_random_uuid(), $1, 'fact', 'Said hi.', '{}', 'extraction', $1 || 'old', me.id FROM me),
          mc AS (INSERT INTO memory_cursors (user_id, at, message_id) SELECT $1, now(), m.id FROM m),
          mf AS (INSERT INTO memory_forgets (id, user_id, scope, topic, message_ids, saved_memories, undo_until)
                 SELECT gen_random_uuid(), $1, 'topic', 'work', ARRAY[m.id], '[]', now() + interval '1 day' FROM m),
          tr AS (INSERT INTO turn_traces (reply_id, turn_id, answering_id, user_id, trace)
                 SELECT r.id, gen_random_uuid(), r.in_reply_to, $1, '{"version": 2}' FROM r),
          oa AS (INSERT INTO operator_audit (id, operator_id, action, target_id, subject_user_id)
                 SELECT gen_random_uuid(), 'op-1', 'turn_trace.read', r.id, $1 FROM r),
          su AS (INSERT INTO safety_user_states (user_id, risk_score, risk_at, age_band)
                 VALUES ($1, 0.5, now(), 'adult')),
          sc AS (INSERT INTO safety_conversation_states (conversation_id, user_id, risk_score, risk_at)
                 SELECT c.id, $1, 3, now() FROM c),
          ce AS (INSERT INTO crisis_events (id, user_id, conversation_id, message_id, reply_id, level,
                                            categories, evidence, protocol_version, locale, resources)
                 SELECT gen_random_uuid(), $1, m.conversation_id, m.id, r.id, 'high', '{suicide}',
                        '{"detector": []}', 'safety/v1@0', 'en-US', '{us-988}' FROM m, r),
          sf AS (INSERT INTO safety_flags (id, kind, source, priority, severity, category, user_id,
                                           conversation_id, message_id)
                 SELECT gen_random_uuid(), 'crisis', 'crisis', 1, 'high', 'suicide', $1, m.conversation_id,
                        m.id FROM m),
          mev AS (INSERT INTO moderation_events (id, subject_kind, subject_id, user_id, actor, action, reason, until)
                  VALUES (gen_random_uuid(), 'user', $1, $1, 'op-1', 'mute', 'spam', now() + interval '1 hour')),
          ur AS (INSERT INTO user_restrictions (user_id, muted_until) VALUES ($1, now() + interval '1 hour')),
          fe AS (INSERT INTO feedback_events (id, user_id, reply_id, conversation_id, kind, rating, client_msg_id)
                 SELECT gen_random_uuid(), $1, r.id, m.conversation_id, 'rating', 'up', 'f-1' FROM r, m),
          tc AS (INSERT INTO training_consents (id, user_id, training, version)
                 VALUES (gen_random_uuid(), $1, true, '1')),
          ee AS (INSERT INTO experiment_exposures (experiment_key, user_id, variant)
                 VALUES ('warmth', $1, 'b')),
          ne AS (INSERT INTO compliance_events (id, user_id, conversation_id, kind, policy, text_version)
                 SELECT gen_random_uuid(), $1, c.id, 'ai_disclosure', 'us-ca:adult', 'safety/v1@0' FROM c)
     SELECT 1`,
    [userId],
  );
  // The user's day in the analytics roll-ups (a row of the day, a session).
  const today = analytics.today();
  await analytics.rollupDays(today, today, [userId]);
}

/** Every table with a column naming a user, and how many of its rows name this one. */
async function rowsOf(userId: string): Promise<Record<string, number>> {
  const columns = await sql(
    db.url,
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND column_name IN ('user_id', 'subject_user_id')
         OR (table_schema = 'public' AND table_name = 'users' AND column_name = 'id')`,
  );
  const counts: Record<string, number> = {};
  for (const c of columns) {
    const [row] = await sql(
      db.url,
      `SELECT count(*)::int AS n FROM "${c.table_name as string}" WHERE "${c.column_name as string}" = $1`,
      [userId],
    );
    counts[c.table_name as string] = row.n as number;
  }
  return counts;
}

/** The export's lines as a client reads them (written as NDJSON, then parsed). */
async function collect(lines: AsyncGenerator<ExportLine>): Promise<ExportLine[]> {
  const out: ExportLine[] = [];
  for await (const line of lines) {
    let text = '';
    for await (const piece of ndjsonPieces(line)) text += piece;
    out.push(JSON.parse(text) as ExportLine);
  }
  return out;
}

describe("a user's data", () => {
  it('is all in the export, and all gone after the deletion, while another user keeps theirs', async () => {
    await seed('delete-me');
    await seed('keep-me');
    const before = await rowsOf('delete-me');
    expect(Object.entries(before).filter(([, n]) => n === 0)).toEqual([['account_deletions', 0]]);

    const lines = await collect(account.export('delete-me', true));
    const types = new Set(lines.map((l) => l.type));
    for (const type of [
      'user',
      'affectState',
      'conversation',
      'message',
      'voiceClip',
      'turnAffect',
      'memory',
      'forget',
      'memoryCursor',
      'turnTrace',
      'safetyState',
      'conversationSafetyState',
      'crisisEvent',
      'safetyFlag',
      'complianceNotice',
      'moderationEvent',
      'moderationRestriction',
      'trainingConsent',
      'feedback',
      'experimentExposure',
    ]) {
      expect(types).toContain(type);
    }
    expect(lines.find((l) => l.type === 'voiceClip')).toMatchObject({ audio_base64: 'AQIDBA==' });
    expect(lines.filter((l) => l.type === 'memory')).toHaveLength(2);
    expect(lines.find((l) => l.type === 'conversation')).toMatchObject({
      summary: 'They said hi.',
      mood: { turns: 1 },
    });

    await account.requestDeletion('delete-me');
    const deleted = await account.deleteAccount('delete-me');
    expect(deleted).toMatchObject({ messages: 2, voice_clips: 1, memories: 2, users: 1 });
    expect(disconnected).toContain('delete-me');
    const after = await rowsOf('delete-me');
    expect(Object.entries(after).filter(([, n]) => n > 0)).toEqual([['account_deletions', 1]]);
    expect(await account.deletionStatus('delete-me')).toMatchObject({ status: 'done' });
    const [audit] = await sql(
      db.url,
      `SELECT count(*)::int AS n FROM operator_audit WHERE subject_user_id IS NULL`,
    );
    expect(audit.n).toBe(1);
    // The crisis event stays for the yearly counts, with nothing that names the user.
    const [crisis] = await sql(
      db.url,
      `SELECT count(*)::int AS n FROM crisis_events
        WHERE user_id IS NULL AND conversation_id IS NULL AND message_id IS NULL AND reply_id IS NULL`,
    );
    expect(crisis.n).toBe(1);

    const kept = await rowsOf('keep-me');
    expect(Object.entries(kept).filter(([, n]) => n === 0)).toEqual([['account_deletions', 0]]);
    // Deleting again is a no-op that still ends as done.
    expect(await account.deleteAccount('delete-me')).toMatchObject({ messages: 0, users: 0 });
  });
});

/** Tables the plans must not scan whole for one user's rows. */
const BIG = [
  'messages',
  'conversations',
  'voice_clips',
  'turn_affects',
  'memories',
  'turn_traces',
  'memory_forgets',
  'operator_audit',
  // safety_conversation_states is left out: a row per conversation is a few bytes, so at this
  // size the planner rightly reads its few pages whole; it has the (user_id) index and its key.
  'crisis_events',
  'safety_flags',
  'compliance_events',
  'moderation_events',
];

describe('queries by user', () => {
  it('use an index on every table of the hot, export and deletion paths', async () => {
    // Enough users that a scan of everything would cost more than an index: the planner says.
    for (let i = 0; i < 300; i++) await seed(`crowd-${i}`);
    await sql(db.url, 'ANALYZE');

    const recorded = new Map<string, unknown[]>();
    let recording = true;
    const record = <T extends { query: (q: string, p?: unknown[]) => Promise<unknown> }>(
      target: T,
    ) => {
      const original = target.query.bind(target);
      target.query = (q: string, p?: unknown[]) => {
        if (recording && !/^\s*(BEGIN|COMMIT|ROLLBACK|SELECT companion_)/i.test(q)) {
          recorded.set(q, p ?? []);
        }
        return original(q, p);
      };
    };
    record(ds as unknown as { query: (q: string, p?: unknown[]) => Promise<unknown> });
    record(statementsOf(ds));

    const user = 'crowd-7';
    const messages = new MessageRepository(ds);
    await collect(account.export(user, true));
    await messages.turnsForRecall(user, new Date(), { limit: 5000, storedTerms: true });
    await messages.listConversations(user, null, 20);
    await messages.recentUserMessages(user, 5000);
    await new MemoryRepository(ds).memoriesForRecall(user, new Date());
    await new AffectRepository(ds).state(
      '00000000-0000-0000-0000-000000000000',
      user,
      '00000000-0000-0000-0000-000000000000',
    );
    // A forget's paths: the user's messages, replies and places; summaries; forgets; traces.
    const ids = (
      await sql<{ id: string }>(db.url, 'SELECT id FROM messages WHERE user_id = $1 LIMIT 3', [
        user,
      ])
    ).map((r) => r.id);
    await messages.replyIds(user, ids);
    await messages.placesOf(user, ids);
    await messages.resetSummariesCovering(user, ids);
    await new MemoryRepository(ds).forgets(user);
    await new TurnTraceRepository(ds).rewriteSince(user, new Date(0), () => null);
    const [conversation] = await sql<{ id: string }>(
      db.url,
      'SELECT id FROM conversations WHERE user_id = $1',
      [user],
    );
    await new SafetyRepository(ds).state(user, conversation.id);
    // Moderation's enforcement read (every message) and the user's history.
    await new ModerationRepository(ds).restriction(user);
    await new ModerationRepository(ds).userEvents(user, 50);
    await account.deleteAccount('crowd-8');

    recording = false;
    expect(recorded.size).toBeGreaterThan(15);
    const scans: string[] = [];
    for (const [query, params] of recorded) {
      const [plan] = await ds.query<Array<{ 'QUERY PLAN': unknown }>>(
        `EXPLAIN (FORMAT JSON) ${query}`,
        params,
      );
      const text = JSON.stringify(plan['QUERY PLAN']);
      for (const table of BIG) {
        if (new RegExp(`"Node Type":"Seq Scan"[^}]*"Relation Name":"${table}"`).test(text)) {
          scans.push(`${table}: ${query.replace(/\s+/g, ' ').slice(0, 120)}`);
        }
      }
    }
    expect(scans).toEqual([]);
  }, 120_000);
});
