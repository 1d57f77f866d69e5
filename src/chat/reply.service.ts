import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RUNTIME, type Runtime } from '../config/runtime.js';
import { JobName } from '../jobs/job-names.js';
import { JobQueue } from '../jobs/job-queue.js';
import { LlmClient } from '../llm/llm.client.js';
import { LlmError } from '../llm/llm.errors.js';
import { Metrics } from '../observability/metrics.js';
import { AffectService, type TurnAffectResult } from '../affect/affect.service.js';
import { detectLanguage } from '../affect/detect-language.js';
import type { TurnAffect } from '../affect/fuse-affect.js';
import { classifyText } from '../affect/lexicon-text-emotion.js';
import { MemoryService, type TurnMemory } from '../memory/memory.service.js';
import type { TurnTrace } from '../operator/turn-trace.js';
import { TurnTraceRepository } from '../operator/turn-trace.repository.js';
import { PromptService, type BuiltPrompt } from '../prompting/prompt.service.js';
import { ChatEmitter } from './chat-emitter.js';
import { ChatErrorCode, type AffectView } from './chat.protocol.js';
import type { MessageEntity } from './message.entity.js';
import { MessageRepository, type ReplyOutcome } from './message.repository.js';
import { toMessageView } from './message-view.js';

interface Prepared {
  turn: TurnAffectResult | null;
  memory: TurnMemory | null;
  prompt: BuiltPrompt;
  /** The history messages the prompt kept, oldest first. */
  history: Array<{ id: string; role: 'user' | 'assistant' }>;
}

interface ActiveReply {
  reply: MessageEntity;
  abort: AbortController;
  stopReason: 'user' | 'shutdown' | null;
  done: Promise<void>;
}

/**
 * Generates replies: claims the conversation's reply slot, builds the prompt, streams the model's
 * text to every device of the user, and stores the outcome in one write. A generation belongs to
 * the pod, not to a socket: it goes on when the user's connection drops.
 */
@Injectable()
export class ReplyService {
  private readonly logger = new Logger(ReplyService.name);
  private readonly active = new Map<string, ActiveReply>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly messages: MessageRepository,
    private readonly llm: LlmClient,
    private readonly prompts: PromptService,
    private readonly emitter: ChatEmitter,
    private readonly jobs: JobQueue,
    private readonly metrics: Metrics,
    private readonly affect: AffectService,
    private readonly traces: TurnTraceRepository,
    private readonly memory: MemoryService,
  ) {}

  get activeReplyIds(): string[] {
    return [...this.active.keys()];
  }

  /**
   * Starts a reply when the conversation has a user message waiting for one (see
   * MessageRepository.startReply). Fire and forget: failures are logged and told to the user.
   */
  ensureReply(
    conversationId: string,
    options: { afterSeq?: number; receivedAt?: number } = {},
  ): void {
    void this.start(conversationId, options).catch((e: unknown) =>
      this.logger.error({ conversationId, err: String(e) }, 'could not start a reply'),
    );
  }

  /** Cancels a reply running on this pod; false when it is not here. */
  cancelLocal(replyId: string, userId: string): boolean {
    const active = this.active.get(replyId);
    if (!active || active.reply.userId !== userId) return false;
    active.stopReason ??= 'user';
    active.abort.abort(new Error('cancelled by the user'));
    return true;
  }

  /**
   * Waits for the replies in flight to finish until `deadline`; then stops the rest, which are
   * stored as interrupted. Used by graceful shutdown.
   */
  async drain(deadline: number): Promise<void> {
    while (this.active.size > 0 && Date.now() < deadline) {
      await Promise.race([
        Promise.allSettled([...this.active.values()].map((a) => a.done)),
        new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now()))),
      ]);
    }
    const left = [...this.active.values()];
    for (const a of left) {
      a.stopReason ??= 'shutdown';
      a.abort.abort(new Error('server shutting down'));
    }
    await Promise.allSettled(left.map((a) => a.done));
  }

  private async start(conversationId: string, options: { afterSeq?: number; receivedAt?: number }) {
    const reply = await this.messages.startReply({
      conversationId,
      owner: this.runtime.instanceId,
      leaseMs: this.config.chat.replyLeaseMs,
      afterSeq: options.afterSeq,
    });
    if (!reply) return;
    const active: ActiveReply = {
      reply,
      abort: new AbortController(),
      stopReason: null,
      done: Promise.resolve(),
    };
    this.active.set(reply.id, active);
    active.done = this.generate(active, options.receivedAt)
      .catch((e: unknown) =>
        this.logger.error({ replyId: reply.id, err: String(e) }, 'reply generation crashed'),
      )
      .finally(() => this.active.delete(reply.id));
    await active.done;
  }

  private async generate(active: ActiveReply, receivedAt: number | undefined): Promise<void> {
    const { reply } = active;
    const userId = reply.userId;
    const startedAt = Date.now();
    let prepared: Prepared | null = null;
    let preparationError: unknown = null;
    try {
      prepared = await this.prepare(reply);
    } catch (e) {
      preparationError = e;
    }
    this.emitter.toUser(userId, 'reply:start', {
      replyId: reply.id,
      conversationId: reply.conversationId,
      inReplyTo: reply.inReplyTo!,
      seq: reply.seq,
      affect: prepared?.turn ? toAffectView(prepared.turn.affect) : null,
    });
    const promptMs = Date.now() - startedAt;

    let content = '';
    let index = 0;
    let ttftMs: number | null = null;
    let outcome: ReplyOutcome;
    let retryAfterMs: number | undefined;
    let upstreamAt: number | null = null;
    const prompt = prepared?.prompt ?? null;
    let usage: { promptTokens: number; completionTokens: number } | null = null;
    try {
      if (!prompt) throw preparationError;
      let model = this.llm.model;
      const onRequest = () => {
        if (upstreamAt !== null) return; // a retry: the first attempt is the one that counts
        upstreamAt = Date.now();
        if (receivedAt) this.metrics.ingestToUpstream.observe((upstreamAt - receivedAt) / 1000);
      };
      for await (const event of this.llm.stream(prompt.messages, active.abort.signal, onRequest)) {
        if (event.type === 'delta') {
          if (ttftMs === null) {
            ttftMs = Date.now() - startedAt;
            this.metrics.timeToFirstToken.observe((Date.now() - (receivedAt ?? startedAt)) / 1000);
          }
          content += event.text;
          this.emitter.toUser(userId, 'reply:delta', {
            replyId: reply.id,
            index: index++,
            text: event.text,
          });
        } else {
          usage = event.usage;
          model = event.model;
        }
      }
      outcome = this.outcome(
        'completed',
        content,
        null,
        prompt.version,
        model,
        ttftMs,
        startedAt,
        usage,
        prompt.tokens,
      );
    } catch (e) {
      const error = e instanceof LlmError ? e : null;
      const code = error ? this.errorCode(error, active.stopReason) : ChatErrorCode.Internal;
      const status = code === null ? 'cancelled' : 'failed';
      retryAfterMs = error?.details.retryAfterMs;
      if (status === 'failed') {
        this.logger.warn(
          {
            replyId: reply.id,
            conversationId: reply.conversationId,
            code,
            failure: error?.failure,
            upstreamStatus: error?.details.status,
          },
          `reply failed: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
      outcome = this.outcome(
        status,
        content,
        code,
        prompt?.version ?? this.prompts.version,
        this.llm.model,
        ttftMs,
        startedAt,
        null,
        prompt?.tokens ?? null,
      );
    }

    const stored = await this.messages.finishReply(reply.id, outcome);
    if (stored) {
      this.saveTrace(stored, prepared, {
        promptMs: prepared ? promptMs : null,
        ingestToUpstreamMs: receivedAt && upstreamAt ? upstreamAt - receivedAt : null,
        usage,
      });
    }
    this.metrics.replies.inc({ status: outcome.status, code: outcome.errorCode ?? '' });
    this.metrics.replyDuration.observe({ status: outcome.status }, (Date.now() - startedAt) / 1000);
    if (!stored) {
      // The recovery sweep marked it interrupted (this pod stalled past its lease) and told the user.
      this.logger.warn(
        { replyId: reply.id },
        'reply lease was lost before it finished; result dropped',
      );
      return;
    }
    this.logger.log(
      {
        replyId: reply.id,
        conversationId: reply.conversationId,
        status: stored.status,
        ttftMs: stored.ttftMs,
        totalMs: stored.totalMs,
        promptTokens: stored.promptTokens,
        completionTokens: stored.completionTokens,
        droppedTurns: prompt?.dropped,
        ingestToUpstreamMs: receivedAt && upstreamAt ? upstreamAt - receivedAt : undefined,
      },
      'reply finished',
    );
    this.emitter.toUser(userId, 'reply:end', { replyId: reply.id, message: toMessageView(stored) });
    if (stored.status === 'failed' && stored.errorCode) {
      const answering = await this.messages.findById(reply.inReplyTo!).catch(() => null);
      this.emitter.toUser(userId, 'error', {
        code: stored.errorCode as ChatErrorCode,
        message: describeFailure(stored.errorCode as ChatErrorCode),
        replyId: reply.id,
        conversationId: reply.conversationId,
        clientMsgId: answering?.clientMsgId ?? undefined,
        retryAfterMs,
      });
    }
    this.jobs
      .add(
        JobName.ConversationRollup,
        { conversationId: reply.conversationId },
        {
          jobId: `rollup-${reply.conversationId}`,
          delayMs: 2000,
        },
      )
      .catch((e: unknown) =>
        this.logger.warn({ err: String(e) }, 'could not queue the conversation roll-up'),
      );
    this.memory.afterTurn({
      userId,
      conversationId: reply.conversationId,
      droppedTurns: prepared?.prompt.dropped ?? 0,
    });
    // Messages that arrived while this reply streamed get a reply of their own.
    this.ensureReply(reply.conversationId, { afterSeq: reply.seq });
  }

  /**
   * What the model is sent. The history (after the conversation's summary) is read first; then,
   * in parallel, the turn's affect (assessed once per user message) and long-term memory (a
   * "forget that" carried out, then recall); the prompt carries the summary, the history and a
   * note with the memories and the affect's cue.
   */
  private async prepare(reply: MessageEntity): Promise<Prepared> {
    const { summary, history } = await this.messages.promptHistory(
      reply.conversationId,
      reply.seq,
      this.config.prompt.historyMaxMessages,
    );
    const answering =
      history.findLast((m) => m.id === reply.inReplyTo) ??
      (await this.messages.findById(reply.inReplyTo!));
    const quick = answering ? classifyText(answering.content) : null;
    const [turn, memory] = await Promise.all([
      this.affect.assess(reply.inReplyTo!).catch((e: unknown) => {
        this.logger.warn(
          { replyId: reply.id, err: String(e) },
          'turn affect failed; replying without it',
        );
        return null;
      }),
      answering
        ? this.memory
            .forTurn({
              userId: reply.userId,
              conversationId: reply.conversationId,
              message: answering,
              historyFromSeq: history[0]?.seq ?? reply.seq,
              // Recall runs beside the text classifier, so it reads the words' affect itself.
              affect:
                quick && quick.confidence > 0.3
                  ? { valence: quick.valence, arousal: quick.arousal }
                  : null,
            })
            .catch((e: unknown) => {
              this.logger.warn(
                { replyId: reply.id, err: String(e) },
                'memory recall failed; replying without it',
              );
              return null;
            })
        : null,
    ]);
    const prompt = this.prompts.build({
      history: history.map((m) => ({
        role: m.role,
        content: m.content,
        tokens: m.contentTokens ?? undefined,
      })),
      summary,
      context: {
        lang: turn?.lang ?? (answering ? detectLanguage(answering.content) : 'en'),
        cue: turn?.cue ?? null,
        memories: memory?.items.map((i) => ({ text: i.text, sensitive: i.sensitive })) ?? [],
        forgot: memory?.forgotten ?? null,
      },
    });
    const turns = prompt.messages.filter((m) => m.role !== 'system').length;
    const kept = history.slice(history.length - turns);
    return { turn, memory, prompt, history: kept.map((m) => ({ id: m.id, role: m.role })) };
  }

  private saveTrace(
    stored: MessageEntity,
    prepared: Prepared | null,
    extra: {
      promptMs: number | null;
      ingestToUpstreamMs: number | null;
      usage: { promptTokens: number; completionTokens: number } | null;
    },
  ): void {
    const { llm } = this.config;
    const turn = prepared?.turn ?? null;
    const trace: TurnTrace = {
      version: 1,
      replyId: stored.id,
      userId: stored.userId,
      conversationId: stored.conversationId,
      answering: stored.inReplyTo!,
      status: stored.status,
      errorCode: stored.errorCode,
      model: stored.model ?? llm.model,
      sampling: { ...llm.sampling, maxTokens: llm.maxTokens },
      promptVersion: stored.promptVersion ?? this.prompts.version,
      affect: turn
        ? {
            affect: turn.affect,
            textEmotion: turn.textEmotion,
            mood: turn.mood,
            userMood: turn.userMood,
            lang: turn.lang,
            cue: turn.cue,
          }
        : null,
      recalled:
        prepared?.memory?.items.map((i) => ({
          id: i.key,
          kind: i.kind,
          text: i.text,
          score: i.score,
        })) ?? [],
      prompt: {
        system: prepared?.prompt.system ?? '',
        summary: prepared?.prompt.summary ?? null,
        note: prepared?.prompt.note ?? null,
        history: prepared?.history ?? [],
        tokens: prepared?.prompt.tokens ?? 0,
        droppedTurns: prepared?.prompt.dropped ?? 0,
      },
      timings: {
        promptMs: extra.promptMs,
        ttftMs: stored.ttftMs,
        totalMs: stored.totalMs ?? 0,
        ingestToUpstreamMs: extra.ingestToUpstreamMs,
      },
      usage: { promptTokens: stored.promptTokens, completionTokens: stored.completionTokens },
    };
    this.traces
      .save(trace)
      .catch((e: unknown) =>
        this.logger.warn({ replyId: stored.id, err: String(e) }, 'could not store the turn trace'),
      );
  }

  private outcome(
    status: ReplyOutcome['status'],
    content: string,
    errorCode: ChatErrorCode | null,
    promptVersion: string,
    model: string,
    ttftMs: number | null,
    startedAt: number,
    usage: { promptTokens: number; completionTokens: number } | null,
    promptEstimate: number | null,
  ): ReplyOutcome {
    return {
      status,
      content,
      contentTokens: content ? this.prompts.countTokens(content) : 0,
      errorCode,
      model,
      promptVersion,
      ttftMs,
      totalMs: Date.now() - startedAt,
      promptTokens: usage?.promptTokens ?? promptEstimate,
      completionTokens: usage?.completionTokens ?? null,
    };
  }

  /** Null means cancelled by the user: not an error. */
  private errorCode(error: LlmError, stopReason: ActiveReply['stopReason']): ChatErrorCode | null {
    if (error.failure === 'cancelled') {
      return stopReason === 'user' ? null : ChatErrorCode.ReplyInterrupted;
    }
    if (error.failure === 'busy') return ChatErrorCode.Busy;
    if (error.failure === 'timeout') return ChatErrorCode.ModelTimeout;
    return ChatErrorCode.ModelError;
  }
}

export function describeFailure(code: ChatErrorCode): string {
  switch (code) {
    case ChatErrorCode.Busy:
      return 'the companion is busy right now; your message is saved, send it again in a moment';
    case ChatErrorCode.ModelTimeout:
      return 'the reply took too long; your message is saved, send it again to retry';
    case ChatErrorCode.ReplyInterrupted:
      return 'the reply was interrupted; your message is saved, send it again to retry';
    case ChatErrorCode.Internal:
      return 'something went wrong on our side; your message is saved, send it again to retry';
    default:
      return 'the companion could not reply; your message is saved, send it again to retry';
  }
}

/** What the app is told about the turn's affect (reply:start). */
export function toAffectView(affect: TurnAffect): AffectView {
  return {
    label: affect.label,
    valence: affect.valence,
    arousal: affect.arousal,
    confidence: affect.confidence,
    hedged: affect.hedged,
    incongruence: affect.incongruence?.kind ?? null,
    evidence: affect.evidence,
  };
}
