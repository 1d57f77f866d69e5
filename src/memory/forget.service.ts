import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { uuidv7 } from '../common/uuid.js';
import { MessageRepository } from '../conversation/message.repository.js';
import { JobName } from '../jobs/job-names.js';
import { JobQueue } from '../jobs/job-queue.js';
import { Metrics } from '../observability/metrics.js';
import { TurnTracesService } from '../turn/turn-traces.service.js';
import { ConversationSummaryService } from './conversation-summary.service.js';
import { detectForget, type ForgetIntent } from './forget-intent.js';
import { MemoryRepository, type ForgetRecord } from './memory.repository.js';
import { textTerms } from './recall/text-terms.js';

/** A "forget" in the user's message, as the turn carried it out. */
export interface Forgotten {
  /** Null when the request was unclear: nothing was deleted and the companion asks. */
  forgetId: string | null;
  scope: ForgetIntent['scope'];
  topic: string | null;
  /** Memories deleted. */
  memories: number;
  /** The user's messages (and the replies to them) taken out of memory. */
  messages: number;
  /** Those messages' ids, with the request and its reply: the current prompt leaves them out. */
  messageIds: string[];
  /** Conversations whose rolling summary held some of them and was dropped. */
  summariesReset: string[];
  undoUntil: Date | null;
}

export type UndoResult =
  | { ok: true; memories: number; messages: number }
  | { ok: false; code: 'forget_not_found' | 'already_undone' | 'undo_expired' };

/** How long a forget can be undone. */
export const UNDO_WINDOW_MS = 24 * 60 * 60 * 1000;
/** The most recent messages searched for a topic to forget. */
const FORGET_SCAN = 5000;
/** A forget whose follow-up has not run this long after it is run again by the sweep. */
const FOLLOW_UP_GRACE_MS = 5 * 60 * 1000;

/**
 * "Forget that" / "forget what I said about X" / "别再提X了", carried out before the reply
 * (docs/memory.md#forgetting). What it names leaves every later prompt: the messages are
 * excluded from the conversation's history, recall and extraction; the memories drawn from them
 * (or about the topic) are deleted; rolling summaries that folded them in are dropped and written
 * again without them; and the copies in turn traces are scrubbed. All but the last two happen in
 * one transaction before the reply; those two run as the forget's follow-up job. The deleted
 * memories are kept for UNDO_WINDOW_MS so the user can undo, then erased.
 */
@Injectable()
export class ForgetService {
  private readonly logger = new Logger(ForgetService.name);

  constructor(
    private readonly db: DataSource,
    private readonly messages: MessageRepository,
    private readonly memories: MemoryRepository,
    private readonly summaries: ConversationSummaryService,
    private readonly traces: TurnTracesService,
    private readonly jobs: JobQueue,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Carries out a forget request in the message `request` (answered by `replyId`); null when
   * the message asks for none. An unclear request deletes nothing: the reply asks.
   */
  async carryOut(
    userId: string,
    conversationId: string,
    request: { id: string; seq: number; content: string },
    replyId: string,
  ): Promise<Forgotten | null> {
    const intent = detectForget(request.content);
    if (!intent) return null;
    if (intent.scope === 'unclear') {
      this.metrics.memoryForgets.inc({ scope: 'unclear' });
      this.logger.log({ userId }, 'unclear forget request: asking, nothing deleted');
      return {
        forgetId: null,
        scope: 'unclear',
        topic: intent.topic,
        memories: 0,
        messages: 0,
        messageIds: [],
        summariesReset: [],
        undoUntil: null,
      };
    }
    const { said, memoryIds } =
      intent.scope === 'last'
        ? {
            said: await this.messages.previousExchange(userId, conversationId, request.seq),
            memoryIds: [],
          }
        : await this.aboutTopic(userId, request.id, intent.topic);
    const replies = await this.messages.replyIds(
      userId,
      said.filter((id) => id !== replyId),
    );
    const messageIds = [...new Set([...said, ...replies])].filter(
      (id) => id !== request.id && id !== replyId,
    );
    const requestIds = [request.id, replyId];
    const id = uuidv7();
    const undoUntil = new Date(Date.now() + UNDO_WINDOW_MS);
    const { deleted, summariesReset } = await this.db.transaction(async (tx) => {
      const deleted = await this.memories.recordForget(tx, userId, {
        id,
        scope: intent.scope,
        topic: intent.scope === 'topic' ? intent.topic : null,
        messageIds,
        requestMessageIds: requestIds,
        memoryIds,
        undoUntil,
      });
      await this.messages.excludeFromMemory(userId, [...messageIds, ...requestIds], tx);
      const summariesReset = await this.messages.resetSummariesCovering(userId, messageIds, tx);
      return { deleted, summariesReset };
    });
    this.metrics.memoryForgets.inc({ scope: intent.scope });
    this.logger.log(
      {
        userId,
        forgetId: id,
        scope: intent.scope,
        memories: deleted.length,
        messages: messageIds.length,
        summariesReset: summariesReset.length,
      },
      "forgot at the user's request",
    );
    await this.jobs
      .add(JobName.MemoryForgetFollowUp, { userId, forgetId: id }, { jobId: `forget-${id}` })
      .catch((e: unknown) =>
        // The sweep runs it later.
        this.logger.warn({ userId, forgetId: id, err: String(e) }, 'could not queue the follow-up'),
      );
    return {
      forgetId: id,
      scope: intent.scope,
      topic: intent.scope === 'topic' ? intent.topic : null,
      memories: deleted.length,
      messages: messageIds.length,
      messageIds: [...messageIds, ...requestIds],
      summariesReset,
      undoUntil,
    };
  }

  /**
   * What the forget's transaction could not do: the summaries that held the forgotten messages
   * are written again without them, and turn traces lose their copies. Idempotent.
   */
  async followUp(userId: string, forgetId: string): Promise<void> {
    const forget = await this.memories.forget(userId, forgetId);
    if (!forget) return; // the account was deleted meanwhile
    const forgotten = forget.undoneAt ? [] : forget.messageIds;
    const places = await this.messages.placesOf(userId, [
      ...forgotten,
      ...forget.requestMessageIds,
    ]);
    // A summary run that read the messages before they were excluded may have stored them since.
    const reset = await this.messages.resetSummariesCovering(userId, forgotten);
    const conversations = new Set([
      ...reset,
      ...places.filter((p) => forgotten.includes(p.id)).map((p) => p.conversationId),
    ]);
    for (const conversationId of conversations) {
      // Written again from the start, a bounded part per request.
      let runs = 0;
      while (runs++ < 1000 && (await this.summaries.summarize(conversationId))) {
        // until everything older than the kept window is folded in again
      }
    }
    const scrubbed = await this.traces.scrub(userId, {
      memoryIds: forget.memoryIds,
      messages: places,
      topic: forget.topic,
    });
    await this.memories.followedUp(userId, forgetId);
    this.logger.log(
      { userId, forgetId, conversations: conversations.size, traces: scrubbed },
      'forget followed up: summaries redone, traces scrubbed',
    );
  }

  /** The user's forgets, newest first (GET /v1/me/forgets). */
  list(userId: string): Promise<ForgetRecord[]> {
    return this.memories.forgets(userId);
  }

  /**
   * Undo within the window: the memories come back as they were and the messages are recalled
   * again (but for the request and its reply, and what another forget still holds).
   */
  async undo(userId: string, forgetId: string): Promise<UndoResult> {
    const result = await this.db.transaction(async (tx): Promise<UndoResult> => {
      const forget = await this.memories.lockForget(tx, userId, forgetId);
      if (!forget) return { ok: false, code: 'forget_not_found' };
      if (forget.undoneAt) return { ok: false, code: 'already_undone' };
      if (!forget.saved || forget.undoUntil.getTime() <= Date.now()) {
        return { ok: false, code: 'undo_expired' };
      }
      const held = await this.memories.stillForgotten(tx, userId, forgetId);
      const back = forget.messageIds.filter(
        (id) => !held.has(id) && !forget.requestMessageIds.includes(id),
      );
      const messages = await this.messages.includeInMemory(userId, back, tx);
      const memories = await this.memories.undoForget(tx, userId, forgetId, forget.saved);
      return { ok: true, memories, messages };
    });
    if (result.ok) {
      this.metrics.memoryForgets.inc({ scope: 'undone' });
      this.logger.log({ userId, forgetId, ...result }, 'forget undone');
    }
    return result;
  }

  /**
   * The sweep: erases the saved memories of forgets past their undo window, and runs again the
   * follow-ups that did not run (a queue outage, a worker killed mid-way).
   */
  async sweep(): Promise<{ purged: number; followedUp: number }> {
    let purged = 0;
    for (;;) {
      const n = await this.memories.purgeExpiredForgets(1000);
      purged += n;
      if (n < 1000) break;
    }
    const late = await this.memories.forgetsAwaitingFollowUp(FOLLOW_UP_GRACE_MS, 100);
    let followedUp = 0;
    for (const f of late) {
      try {
        await this.followUp(f.userId, f.id);
        followedUp++;
      } catch (e) {
        this.logger.warn(
          { userId: f.userId, forgetId: f.id, err: String(e) },
          'forget follow-up failed; the next sweep tries again',
        );
      }
    }
    if (purged || followedUp) this.logger.log({ purged, followedUp }, 'forget sweep');
    return { purged, followedUp };
  }

  /** The user's messages and current memories about the topic: every word of it in their text. */
  private async aboutTopic(
    userId: string,
    requestId: string,
    topic: string,
  ): Promise<{ said: string[]; memoryIds: string[] }> {
    const terms = [...new Set(textTerms(topic))];
    if (terms.length === 0) return { said: [], memoryIds: [] };
    const about = (text: string) => {
      const words = new Set(textTerms(text));
      return terms.every((t) => words.has(t));
    };
    const said = await this.messages.recentUserMessages(userId, FORGET_SCAN);
    const memories = await this.memories.current(userId);
    return {
      said: said.filter((m) => m.id !== requestId && about(m.content)).map((m) => m.id),
      memoryIds: memories.filter((m) => about(m.text)).map((m) => m.id),
    };
  }
}
