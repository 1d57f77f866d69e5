import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { ConversationException } from '../../src/conversation/conversation.exception.js';
import { MessageRepository } from '../../src/conversation/message.repository.js';
import { dataSourceOptions } from '../../src/database/data-source.js';
import { TurnTraceRepository } from '../../src/turn/turn-trace.repository.js';
import type { TurnTrace } from '../../src/turn/turn-trace.js';
import { sql } from '../support/sql.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let db: TestDatabase;
let ds: DataSource;
let repo: MessageRepository;
let n = 0;
const user = () => `repo-user-${++n}`;

/** A reply-slot claim in a conversation no operator holds. */
async function claimSlot(
  r: MessageRepository,
  input: Parameters<MessageRepository['startReply']>[0],
) {
  const claimed = await r.startReply(input);
  if (claimed && 'takenOverBy' in claimed) throw new Error('conversation unexpectedly taken over');
  return claimed;
}

beforeAll(async () => {
  db = await createTestDatabase();
  ds = new DataSource({ ...dataSourceOptions(db.url, 20), logger: undefined, logging: false });
  await ds.initialize();
  repo = new MessageRepository(ds);
});
afterAll(async () => {
  await ds.destroy();
  await db.drop();
});

const text = (userId: string, clientMsgId: string, conversationId?: string) =>
  repo.insertUserMessage({
    userId,
    clientMsgId,
    conversationId,
    content: 'hi',
    contentTokens: 1,
    kind: 'text',
  });

/** A text message with these words. */
const say = (userId: string, clientMsgId: string, content: string, conversationId?: string) =>
  repo.insertUserMessage({
    userId,
    clientMsgId,
    conversationId,
    content,
    contentTokens: 1,
    kind: 'text',
  });

describe('MessageRepository', () => {
  it('hands out seq 1..n without gaps or repeats under concurrent writers', async () => {
    const u = user();
    const first = await text(u, 'c0');
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => text(u, `c${i + 1}`, first.message.conversationId)),
    );
    const seqs = results.map((r) => r.message.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 2));
    const [conv] = await sql(db.url, 'SELECT last_seq FROM conversations WHERE id = $1', [
      first.message.conversationId,
    ]);
    expect(conv.last_seq).toBe(41);
  });

  it('stores a clientMsgId once even when ten writers race', async () => {
    const u = user();
    const results = await Promise.all(Array.from({ length: 10 }, () => text(u, 'same')));
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
    const rows = await sql(db.url, 'SELECT count(*)::int AS n FROM messages WHERE user_id = $1', [
      u,
    ]);
    expect(rows[0].n).toBe(1);
    const convs = await sql(
      db.url,
      'SELECT count(*)::int AS n FROM conversations WHERE user_id = $1',
      [u],
    );
    expect(convs[0].n).toBe(1);
  });

  it('counts and titles a conversation in the statements that store its messages', async () => {
    const u = user();
    const first = await say(u, 'k1', '  Exam \n\t stress  again ');
    const c = first.message.conversationId;
    const conversation = async () =>
      (
        await sql(
          db.url,
          `SELECT c.title, c.message_count,
                  (SELECT count(*)::int FROM messages m WHERE m.conversation_id = c.id) AS rows
             FROM conversations c WHERE c.id = $1`,
          [c],
        )
      )[0];
    expect(await conversation()).toEqual({ title: 'Exam stress again', message_count: 1, rows: 1 });
    // Later messages, the reply the claim creates and an operator's message are counted; the
    // title stays the first words.
    await say(u, 'k2', 'something else', c);
    await claimSlot(repo, { conversationId: c, owner: 'pod-a', leaseMs: 10_000 });
    expect(await conversation()).toEqual({ title: 'Exam stress again', message_count: 3, rows: 3 });
    await repo.setTakeover(c, 'op-1', null);
    await repo.storeOperatorMessage({ conversationId: c, operatorId: 'op-1', content: 'here' });
    expect(await conversation()).toEqual({ title: 'Exam stress again', message_count: 4, rows: 4 });

    // Sixty characters, not sixty UTF-16 units: no emoji cut in half.
    const long = await say(u, 'k3', '\u{1F600}'.repeat(70));
    const [row] = await sql(db.url, 'SELECT title FROM conversations WHERE id = $1', [
      long.message.conversationId,
    ]);
    expect(row.title).toBe('\u{1F600}'.repeat(60));
    expect([...(row.title as string)]).toHaveLength(60);
  });

  it('recounts and titles a conversation whose messages a version before stored uncounted', async () => {
    const u = user();
    const first = await say(u, 'u1', 'forgotten opening');
    const c = first.message.conversationId;
    await say(u, 'u2', 'kept  words', c);
    await repo.excludeFromMemory(u, [first.message.id]);
    // As the statements of the version before left it: no count, no title.
    await sql(db.url, 'UPDATE conversations SET message_count = 0, title = NULL WHERE id = $1', [
      c,
    ]);
    expect(await repo.recount(c)).toBe(2);
    const [row] = await sql(
      db.url,
      'SELECT message_count, title FROM conversations WHERE id = $1',
      [c],
    );
    expect(row).toEqual({ message_count: 2, title: 'kept words' });
    expect(await repo.recount('00000000-0000-0000-0000-000000000000')).toBeNull();
  });

  it('titles a conversation begun by voice with its transcript, unless words came first', async () => {
    const u = user();
    const voice = (clientMsgId: string, conversationId?: string) =>
      repo.insertUserMessage({
        userId: u,
        clientMsgId,
        conversationId,
        content: '',
        contentTokens: 0,
        kind: 'voice',
      });
    const titleOf = async (conversationId: string) =>
      (await sql(db.url, 'SELECT title FROM conversations WHERE id = $1', [conversationId]))[0]
        .title;
    const spoken = await voice('v1');
    const c = spoken.message.conversationId;
    expect(await titleOf(c)).toBeNull();
    // An empty transcript (nothing heard) gives no title.
    await ds.transaction((tx) => repo.setTranscript(spoken.message.id, '', 0, tx));
    expect(await titleOf(c)).toBeNull();
    await ds.transaction((tx) =>
      repo.setTranscript(spoken.message.id, 'I  could not sleep', 4, tx),
    );
    expect(await titleOf(c)).toBe('I could not sleep');
    // A text message after it leaves the title alone.
    await text(u, 'v2', c);
    expect(await titleOf(c)).toBe('I could not sleep');

    // A text message stored while the voice message's transcript is still coming titles it.
    const early = await voice('v3');
    const d = early.message.conversationId;
    await say(u, 'v4', 'typed first', d);
    await ds.transaction((tx) => repo.setTranscript(early.message.id, 'spoken later', 2, tx));
    expect(await titleOf(d)).toBe('typed first');
  });

  it('takes the title again from the first words still kept after a forget, its undo or a delete', async () => {
    const u = user();
    const first = await say(u, 'f1', 'my secret first words');
    const c = first.message.conversationId;
    const second = await say(u, 'f2', 'second words', c);
    const other = await say(u, 'f3', 'another conversation');
    const titles = async () =>
      (
        await sql(db.url, 'SELECT id, title FROM conversations WHERE user_id = $1 ORDER BY id', [u])
      ).map((r) => r.title);
    const before = await titles();

    expect(await repo.excludeFromMemory(u, [first.message.id])).toBe(1);
    const [titleOfC] = await sql(db.url, 'SELECT title FROM conversations WHERE id = $1', [c]);
    expect(titleOfC.title).toBe('second words');
    expect(await repo.includeInMemory(u, [first.message.id])).toBe(1);
    expect(await titles()).toEqual(before);

    // Everything forgotten: no title at all. Another conversation of the user keeps its own.
    await repo.excludeFromMemory(u, [first.message.id, second.message.id]);
    const rows = await sql(db.url, 'SELECT id, title FROM conversations WHERE user_id = $1', [u]);
    expect(Object.fromEntries(rows.map((r) => [r.id, r.title]))).toEqual({
      [c]: null,
      [other.message.conversationId]: 'another conversation',
    });
    await repo.includeInMemory(u, [first.message.id, second.message.id]);

    // An operator deletes the first message: its words leave the title too, and stay out.
    await repo.tombstone(first.message.id);
    const [afterDelete] = await sql(db.url, 'SELECT title FROM conversations WHERE id = $1', [c]);
    expect(afterDelete.title).toBe('second words');
    await repo.includeInMemory(u, [first.message.id]);
    const [afterUndo] = await sql(db.url, 'SELECT title FROM conversations WHERE id = $1', [c]);
    expect(afterUndo.title).toBe('second words');
  });

  it('lets the same clientMsgId be used by two different users', async () => {
    const a = await text(user(), 'shared-id');
    const b = await text(user(), 'shared-id');
    expect(a.duplicate || b.duplicate).toBe(false);
    expect(a.message.id).not.toBe(b.message.id);
  });

  it('claims the reply slot in the message insert when asked, and stores the message whatever the claim finds', async () => {
    const claim = { owner: 'pod-a', leaseMs: 10_000, historyLimit: 10 };
    // A new user in a new conversation: the user and conversation rows come first, in the same
    // statement, so the claim finds them (the reply row's keys, the user's time zone).
    const u = user();
    const first = await repo.insertUserMessage(
      {
        userId: u,
        clientMsgId: 'f1',
        content: 'hello',
        contentTokens: 1,
        kind: 'text',
        timeZone: 'Asia/Tokyo',
      },
      undefined,
      {
        ...claim,
        reads: {
          probe: (ids, p) => `jsonb_build_object('user', ${ids.userId}, 'n', ${p(7)}::int)`,
        },
      },
    );
    expect(first.duplicate).toBe(false);
    expect(first.message).toMatchObject({
      userId: u,
      seq: 1,
      content: 'hello',
      status: 'received',
    });
    const claimed = first.claimed;
    if (!claimed || 'takenOverBy' in claimed) throw new Error('expected a claimed reply');
    expect(claimed).toMatchObject({
      seq: 2,
      status: 'streaming',
      leaseOwner: 'pod-a',
      inReplyTo: first.message.id,
      answering: { id: first.message.id, content: 'hello' },
      answered: [{ id: first.message.id, kind: 'text' }],
      userTimeZone: 'Asia/Tokyo',
      reads: { probe: { user: u, n: 7 } },
    });
    expect(claimed.history.map((h) => h.id)).toEqual([first.message.id]);
    // What the statement gives back is what is stored, though it selects only a few columns.
    const storedReply = (await repo.findById(claimed.id))!;
    const keys = Object.keys(storedReply) as Array<keyof typeof storedReply>;
    expect(Object.fromEntries(keys.map((k) => [k, claimed[k]]))).toEqual(storedReply);
    expect(first.message).toEqual(await repo.findById(first.message.id));

    // The reply row shares the message's created_at (one transaction) and comes after it in
    // (created_at, id) order, which memory extraction's cursor follows.
    const order = await sql(
      db.url,
      `SELECT id FROM messages WHERE conversation_id = $1 ORDER BY created_at, id`,
      [first.message.conversationId],
    );
    expect(order.map((r) => r.id)).toEqual([first.message.id, claimed.id]);
    expect(claimed.createdAt).toEqual(first.message.createdAt);

    // While that reply streams, the next message is stored and claims nothing; a repeat of it
    // stores nothing and claims nothing.
    const c = first.message.conversationId;
    const stillThere = {
      userId: u,
      clientMsgId: 'f2',
      conversationId: c,
      content: 'still there?',
      contentTokens: 3,
      kind: 'text',
    } as const;
    const second = await repo.insertUserMessage(stillThere, undefined, claim);
    expect(second.message.seq).toBe(3);
    expect(second.claimed).toBeNull();
    const again = await repo.insertUserMessage(stillThere, undefined, claim);
    expect(again).toMatchObject({ duplicate: true, message: { id: second.message.id } });
    expect(again.claimed).toBeUndefined();

    // A claim that fails (here a read that cannot run) leaves the message stored alone, owed.
    const other = user();
    const alone = await repo.insertUserMessage(
      { userId: other, clientMsgId: 'g1', content: 'hi', contentTokens: 1, kind: 'text' },
      undefined,
      { ...claim, reads: { broken: () => `(SELECT to_jsonb(1 / 0))` } },
    );
    expect(alone.claimed).toBeUndefined();
    const [row] = await sql(
      db.url,
      `SELECT m.reply_due_at IS NOT NULL AS owed,
              (SELECT count(*)::int FROM messages r WHERE r.conversation_id = m.conversation_id) AS n
         FROM messages m WHERE m.id = $1`,
      [alone.message.id],
    );
    expect(row).toEqual({ owed: true, n: 1 });

    // In a conversation an operator holds, what is owed is settled for the operator instead.
    expect((await repo.setTakeover(alone.message.conversationId, 'op-9', null))?.changed).toBe(
      true,
    );
    const held = await repo.insertUserMessage(
      {
        userId: other,
        clientMsgId: 'g2',
        conversationId: alone.message.conversationId,
        content: 'anyone?',
        contentTokens: 2,
        kind: 'text',
      },
      undefined,
      claim,
    );
    expect(held.claimed).toEqual({
      takenOverBy: 'op-9',
      conversationId: alone.message.conversationId,
      userId: other,
      settled: [alone.message.id, held.message.id],
    });
  });

  it("gives memory extraction the user's turns up to the first reply still streaming", async () => {
    const u = user();
    const first = await repo.insertUserMessage(
      { userId: u, clientMsgId: 'x1', content: 'first', contentTokens: 1, kind: 'text' },
      undefined,
      { owner: 'pod-x', leaseMs: 10_000 },
    );
    const reply = first.claimed;
    if (!reply || 'takenOverBy' in reply) throw new Error('expected a claimed reply');
    // Sent while the reply streams: after it, and not to be read before it is settled.
    const second = await text(u, 'x2', first.message.conversationId);
    const ids = async () => (await repo.turnsAfter(u, null, 10)).map((t) => t.id);
    expect(await ids()).toEqual([first.message.id]);
    await repo.finishReply(reply.id, { ...outcome('completed', null), content: 'hello back' });
    expect(await ids()).toEqual([first.message.id, reply.id, second.message.id]);
  });

  it('claims one reply slot per conversation however many start at once', async () => {
    const { message } = await text(user(), 'q');
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        claimSlot(repo, {
          conversationId: message.conversationId,
          owner: `pod-${i}`,
          leaseMs: 10_000,
        }),
      ),
    );
    const won = claims.filter((c) => c !== null);
    expect(won).toHaveLength(1);
    expect(won[0]).toMatchObject({ seq: 2, status: 'streaming', inReplyTo: message.id });
  });

  it('does not start a reply for an answered message, and retries one whose reply failed', async () => {
    const { message } = await text(user(), 'q');
    const claim = await claimSlot(repo, {
      conversationId: message.conversationId,
      owner: 'p',
      leaseMs: 10_000,
    });
    await repo.finishReply(claim!.id, outcome('failed', 'model_error'));
    // A follow-up check after the failure does not retry on its own...
    expect(
      await claimSlot(repo, {
        conversationId: message.conversationId,
        owner: 'p',
        leaseMs: 10_000,
        afterSeq: claim!.seq,
      }),
    ).toBeNull();
    // ...but a resend of the message does.
    expect(await repo.rearmReply(message.id)).toBe(true);
    const retry = await claimSlot(repo, {
      conversationId: message.conversationId,
      owner: 'p',
      leaseMs: 10_000,
    });
    expect(retry!.inReplyTo).toBe(message.id);
    await repo.finishReply(retry!.id, outcome('completed', null));
    // Answered: a resend no longer asks for another reply.
    expect(await repo.rearmReply(message.id)).toBe(false);
    expect(
      await claimSlot(repo, {
        conversationId: message.conversationId,
        owner: 'p',
        leaseMs: 10_000,
      }),
    ).toBeNull();
  });

  it('fails replies whose lease expired, once, and leaves live ones alone', async () => {
    const a = await text(user(), 'q');
    const b = await text(user(), 'q');
    const dead = await claimSlot(repo, {
      conversationId: a.message.conversationId,
      owner: 'dead-pod',
      leaseMs: 1,
    });
    const live = await claimSlot(repo, {
      conversationId: b.message.conversationId,
      owner: 'live-pod',
      leaseMs: 60_000,
    });
    await new Promise((r) => setTimeout(r, 20));
    const swept = await repo.failExpiredReplies();
    expect(swept.map((m) => m.id)).toContain(dead!.id);
    expect(swept.map((m) => m.id)).not.toContain(live!.id);
    expect(swept.find((m) => m.id === dead!.id)).toMatchObject({
      status: 'failed',
      errorCode: 'reply_interrupted',
      content: '',
    });
    expect((await repo.failExpiredReplies()).map((m) => m.id)).not.toContain(dead!.id);
    // The dead pod's late write finds its reply gone and changes nothing.
    expect(await repo.finishReply(dead!.id, outcome('completed', null))).toBeNull();
  });

  it("stores the trace carried by a reply's finish only when the finish took effect", async () => {
    const traceOf = (replyId: string, answering: string, userId: string, marker: string) =>
      TurnTraceRepository.traceWrite({
        replyId,
        turnId: randomUUID(),
        answering,
        userId,
        marker,
      } as unknown as TurnTrace);
    // A write that does not use the finish's condition runs whatever the finish found.
    const audit = (marker: string) => ({
      statements: (p: (v: unknown) => string) => [
        `INSERT INTO carried_audit (marker) VALUES (${p(marker)}::text)`,
      ],
    });
    const traces = async (replyId: string) =>
      sql(db.url, 'SELECT trace FROM turn_traces WHERE reply_id = $1', [replyId]);
    const audited = async (marker: string) =>
      (await sql(db.url, 'SELECT 1 FROM carried_audit WHERE marker = $1', [marker])).length;
    await sql(db.url, 'CREATE TABLE IF NOT EXISTS carried_audit (marker text)');

    const u = user();
    const { message } = await text(u, 'traced');
    const live = await claimSlot(repo, {
      conversationId: message.conversationId,
      owner: 'p',
      leaseMs: 60_000,
    });
    const stored = await repo.finishReply(live!.id, outcome('completed', null), [
      traceOf(live!.id, message.id, u, 'live'),
      audit('audit-live'),
    ]);
    expect(stored).toMatchObject({ id: live!.id, status: 'completed' });
    expect(await traces(live!.id)).toEqual([
      { trace: expect.objectContaining({ replyId: live!.id, marker: 'live' }) },
    ]);
    expect(await audited('audit-live')).toBe(1);

    // A reply the sweep ended first: the late finish stores no trace; the other write runs.
    const { message: late } = await text(u, 'traced-late', message.conversationId);
    const dead = await claimSlot(repo, {
      conversationId: late.conversationId,
      owner: 'dead-pod',
      leaseMs: 1,
    });
    await new Promise((r) => setTimeout(r, 20));
    expect((await repo.failExpiredReplies()).map((m) => m.id)).toContain(dead!.id);
    expect(
      await repo.finishReply(dead!.id, outcome('completed', null), [
        traceOf(dead!.id, late.id, u, 'dead'),
        audit('audit-dead'),
      ]),
    ).toBeNull();
    expect(await traces(dead!.id)).toEqual([]);
    expect(await audited('audit-dead')).toBe(1);
  });

  it("never lists or writes into another user's conversation", async () => {
    const owner = user();
    const { message } = await text(owner, 'secret');
    await expect(repo.listAfter(user(), message.conversationId, 0, 10)).rejects.toBeInstanceOf(
      ConversationException,
    );
    await expect(text(user(), 'x', message.conversationId)).rejects.toMatchObject({
      code: 'conversation_not_found',
    });
    const mine = await repo.listAfter(owner, message.conversationId, 0, 10);
    expect(mine.messages.map((m) => m.id)).toEqual([message.id]);
  });

  it('while an operator holds a conversation, settles what is owed instead of claiming a reply', async () => {
    const { message } = await text(user(), 't1');
    const c = message.conversationId;
    const taken = await repo.setTakeover(c, 'op-1', null);
    expect(taken).toEqual({ userId: message.userId, changed: true, takenOverBy: null });
    // Someone else cannot take it, nor hand it back; the holder renews.
    expect((await repo.setTakeover(c, 'op-2', null))?.changed).toBe(false);
    expect((await repo.setTakeover(c, null, 'op-2'))?.changed).toBe(false);
    expect(await repo.setTakeover(c, 'op-1', null)).toMatchObject({
      changed: true,
      takenOverBy: 'op-1',
    });

    const { message: second } = await text(message.userId, 't2', c);
    const claim = await repo.startReply({ conversationId: c, owner: 'p', leaseMs: 10_000 });
    expect(claim).toEqual({
      takenOverBy: 'op-1',
      conversationId: c,
      userId: message.userId,
      settled: [message.id, second.id],
    });
    const owed = await sql(
      db.url,
      `SELECT count(*)::int AS n FROM messages
      WHERE conversation_id = $1 AND reply_due_at IS NOT NULL`,
      [c],
    );
    expect(owed[0].n).toBe(0);
    // Nothing streams: nothing more is claimed.
    expect(await repo.startReply({ conversationId: c, owner: 'p', leaseMs: 10_000 })).toBeNull();

    // The operator's message answers the latest user message; another operator's is refused.
    expect(
      await repo.storeOperatorMessage({ conversationId: c, operatorId: 'op-2', content: 'x' }),
    ).toBeNull();
    const said = await repo.storeOperatorMessage({
      conversationId: c,
      operatorId: 'op-1',
      content: 'I am here with you.',
    });
    expect(said).toMatchObject({
      role: 'assistant',
      source: 'operator',
      status: 'completed',
      content: 'I am here with you.',
      inReplyTo: second.id,
      seq: 3,
    });

    // Handed back, the next message gets a model reply whose history carries the operator's words.
    expect((await repo.setTakeover(c, null, 'op-1'))?.changed).toBe(true);
    await text(message.userId, 't3', c);
    const back = await claimSlot(repo, { conversationId: c, owner: 'p', leaseMs: 10_000 });
    expect(back!.history.map((m) => [m.role, m.content])).toEqual([
      ['user', 'hi'],
      ['user', 'hi'],
      ['assistant', 'I am here with you.'],
      ['user', 'hi'],
    ]);
    expect(await repo.setTakeover('00000000-0000-4000-8000-000000000000', 'op-1', null)).toBeNull();
  });

  it('gives prompts only turns that the user saw completed', async () => {
    const { message } = await text(user(), 'h1');
    const c = message.conversationId;
    const r1 = await claimSlot(repo, { conversationId: c, owner: 'p', leaseMs: 10_000 });
    await repo.finishReply(r1!.id, {
      ...outcome('failed', 'model_error'),
      content: 'half a sent',
    });
    await text(message.userId, 'h2', c);
    const r2 = await claimSlot(repo, { conversationId: c, owner: 'p', leaseMs: 10_000 });
    await repo.finishReply(r2!.id, {
      ...outcome('completed', null),
      content: 'a full answer',
    });
    // The next reply's prompt sees the completed reply, never the failed one.
    await text(message.userId, 'h3', c);
    const r3 = await claimSlot(repo, { conversationId: c, owner: 'p', leaseMs: 10_000 });
    expect(r3!.history.map((m) => [m.role, m.content])).toEqual([
      ['user', 'hi'],
      ['user', 'hi'],
      ['assistant', 'a full answer'],
      ['user', 'hi'],
    ]);
    expect(r3!.history.at(-1)!.id).toBe(r3!.answering.id);
    expect(r3!.olderTurns).toBe(false);
  });

  it('gives prompts the summary and only the turns after what it covers', async () => {
    const claim = async (c: string) => {
      const r = await claimSlot(repo, { conversationId: c, owner: 'p', leaseMs: 10_000 });
      await repo.finishReply(r!.id, { ...outcome('failed', 'model_error') });
      await sql(
        db.url,
        `UPDATE messages SET reply_due_at = now() WHERE conversation_id = $1 AND role = 'user'`,
        [c],
      );
      return r!;
    };
    const { message } = await text(user(), 'sum-1');
    const c = message.conversationId;
    await text(message.userId, 'sum-2', c);
    await text(message.userId, 'sum-3', c);
    const before = await claim(c);
    expect(before.summary).toBeNull();
    expect(before.history.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(before.olderTurns).toBe(false);
    await sql(
      db.url,
      `UPDATE conversations SET summary = 'They counted.', summary_until_seq = 2 WHERE id = $1`,
      [c],
    );
    const after = await claim(c);
    expect(after).toMatchObject({ summary: 'They counted.' });
    expect(after.history.map((m) => m.seq)).toEqual([3]);
    expect(after.olderTurns).toBe(true);
    await sql(db.url, `UPDATE conversations SET summary_until_seq = 3 WHERE id = $1`, [c]);
    const covered = await claim(c);
    expect({ summary: covered.summary, history: covered.history }).toEqual({
      summary: 'They counted.',
      history: [],
    });
  });

  it('tells recall whether the user said anything the prompt does not carry', async () => {
    const u = user();
    const first = await text(u, 'older-1');
    const second = await text(u, 'older-2');
    const r = await claimSlot(repo, {
      conversationId: second.message.conversationId,
      owner: 'p',
      leaseMs: 10_000,
    });
    expect(r!.olderTurns).toBe(true);
    const short = await claimSlot(repo, {
      conversationId: first.message.conversationId,
      owner: 'p',
      leaseMs: 10_000,
      historyLimit: 0,
    });
    expect(short).toMatchObject({ history: [], olderTurns: true });
  });
});

function outcome(status: 'completed' | 'failed', errorCode: string | null) {
  return {
    status,
    content: '',
    contentTokens: 0,
    errorCode,
    model: 'm',
    promptVersion: 'companion/v1@test',
    ttftMs: null,
    totalMs: 1,
    promptTokens: 1,
    completionTokens: 0,
  } as const;
}
