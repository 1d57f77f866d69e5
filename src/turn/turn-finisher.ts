import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { ReplyRoute } from '../conversation/message.entity.js';
import {
  MessageRepository,
  type FinishedReply,
  type ReplyOutcome,
} from '../conversation/message.repository.js';
import { ExperimentsService } from '../feedback/experiments/experiments.service.js';
import { FeedbackService } from '../feedback/feedback.service.js';
import { ClientEmitter } from '../gateway/client-emitter.js';
import { toMessageView } from '../gateway/message-view.js';
import type { ErrorCode } from '../gateway/chat.protocol.js';
import { EventBus } from '../jobs/event-bus.js';
import { EventName } from '../jobs/job-names.js';
import { LlmClient } from '../llm/llm.client.js';
import { Metrics } from '../observability/metrics.js';
import { PromptService } from '../prompting/prompt.service.js';
import { buildTrace } from './turn-trace.js';
import { TurnTracesService } from './turn-traces.service.js';
import type { Turn } from './turn.js';
import { describeFailure } from './turn.exception.js';

/**
 * finish: stores the reply's outcome and its trace in one write (settling the messages it
 * answered, carrying the stages' writes), tells every device (`reply:end`, `memory:forgotten`
 * when the message asked to forget, and `error` when it failed), and publishes
 * `turn.completed`, whose subscribers do the after-turn work as jobs. Returns whether user
 * messages that came while it streamed wait for a reply of their own.
 */
@Injectable()
export class TurnFinisher {
  private readonly logger = new Logger(TurnFinisher.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly messages: MessageRepository,
    private readonly emitter: ClientEmitter,
    private readonly traces: TurnTracesService,
    private readonly events: EventBus,
    private readonly prompts: PromptService,
    private readonly llm: LlmClient,
    private readonly metrics: Metrics,
    private readonly experiments: ExperimentsService,
    private readonly feedback: FeedbackService,
  ) {}

  async finish(turn: Turn): Promise<FinishedReply | null> {
    const output = turn.output!;
    const { reply } = turn;
    const log = { turnId: turn.turnId, replyId: reply.id, conversationId: turn.conversationId };
    const route = output.servedBy ?? turn.route?.settings;
    const replyRoute = routeOf(turn, output.source === 'protocol' ? this.assignment(turn) : null);
    const carried = turn.carried ?? [];
    const outcome: ReplyOutcome = {
      status: output.status,
      content: output.content,
      contentTokens: output.content ? this.prompts.countTokens(output.content) : 0,
      errorCode: output.errorCode,
      model: output.source === 'protocol' ? null : (output.model ?? route?.model ?? this.llm.model),
      promptVersion: output.version ?? turn.prompt?.version ?? this.prompts.version,
      ttftMs: output.ttftMs,
      totalMs: Date.now() - turn.startedAt,
      promptTokens: output.usage?.promptTokens ?? turn.prompt?.tokens ?? null,
      completionTokens: output.usage?.completionTokens ?? null,
      source: output.source ?? 'model',
      outputBlocked: output.withheld?.category ?? null,
      route: replyRoute,
    };
    // The trace is what the finish stores (companion_finish_reply writes these values as given),
    // so it rides on the finish's statement, stored only if the finish takes effect.
    const { llm } = this.config;
    const trace = this.traces.carriedSave(
      buildTrace(turn, outcome, {
        model: this.llm.model,
        promptVersion: this.prompts.version,
        sampling: { ...llm.sampling, maxTokens: llm.maxTokens },
      }),
    );
    const stored = await this.messages
      .finishReply(reply.id, outcome, [...carried, trace])
      .catch(async (e: unknown) => {
        // The stages' writes (the safety state) must not be lost with a finish that failed.
        if (carried.length > 0) {
          await this.messages
            .sendCarried(carried)
            .catch((w: unknown) =>
              this.logger.error(
                { ...log, err: String(w) },
                "could not store the turn's carried writes",
              ),
            );
        }
        throw e;
      });
    this.metrics.replies.inc({ status: output.status, code: output.errorCode ?? '' });
    this.metrics.replyDuration.observe(
      { status: output.status },
      (Date.now() - turn.startedAt) / 1000,
    );
    if (!stored) {
      // The recovery sweep failed it first (this process stalled past its lease) and told the user.
      this.logger.warn(log, 'reply lease was lost before it finished; result dropped');
      return null;
    }
    if (output.status === 'failed') {
      this.logger.warn(
        { ...log, code: output.errorCode, stage: turn.failed?.stage, failure: output.failure },
        'reply failed',
      );
    }
    const ingestToUpstreamMs =
      turn.receivedAt && output.upstreamAt ? output.upstreamAt - turn.receivedAt : undefined;
    this.logger.log(
      {
        ...log,
        status: stored.status,
        ttftMs: stored.ttftMs,
        totalMs: stored.totalMs,
        promptTokens: stored.promptTokens,
        completionTokens: stored.completionTokens,
        droppedTurns: turn.prompt?.dropped,
        degraded: turn.degraded.length ? turn.degraded.map((d) => d.stage) : undefined,
        stages: turn.timings,
        ingestToUpstreamMs,
        ingestToStoredMs:
          turn.receivedAt && turn.storedAt ? turn.storedAt - turn.receivedAt : undefined,
        startToUpstreamMs: output.upstreamAt ? output.upstreamAt - turn.startedAt : undefined,
      },
      'reply finished',
    );
    this.emitter.toUser(turn.user.id, 'reply:end', {
      replyId: reply.id,
      message: toMessageView(stored),
    });
    const forgotten = turn.recall?.forgotten;
    if (forgotten?.forgetId && forgotten.scope !== 'unclear') {
      this.emitter.toUser(turn.user.id, 'memory:forgotten', {
        forgetId: forgotten.forgetId,
        conversationId: turn.conversationId,
        messageId: turn.answering.id,
        scope: forgotten.scope,
        topic: forgotten.topic,
        memories: forgotten.memories,
        messages: forgotten.messages,
        undoUntil: forgotten.undoUntil!.toISOString(),
      });
    }
    if (stored.status === 'failed' && stored.errorCode) {
      this.emitter.toUser(turn.user.id, 'error', {
        code: stored.errorCode as ErrorCode,
        message: describeFailure(stored.errorCode),
        replyId: reply.id,
        conversationId: turn.conversationId,
        clientMsgId: turn.answering.clientMsgId ?? undefined,
        retryAfterMs: output.retryAfterMs,
      });
    }
    this.observe(turn, replyRoute);
    this.events
      .publish(EventName.TurnCompleted, {
        turnId: turn.turnId,
        userId: turn.user.id,
        conversationId: turn.conversationId,
        replyId: reply.id,
        status: stored.status as 'completed' | 'cancelled' | 'failed',
        errorCode: stored.errorCode,
        answered: turn.answered,
        voice: turn.voice.map(({ messageId, prosody, spectral }) => ({
          messageId,
          prosody,
          spectral,
        })),
        droppedTurns: turn.prompt?.dropped ?? 0,
      })
      .catch((e: unknown) =>
        this.logger.warn({ ...log, err: String(e) }, 'could not publish turn.completed'),
      );
    return stored;
  }

  /** The user's variant, for a reply no route chose (the crisis protocol: its rate per variant). */
  private assignment(turn: Turn) {
    return this.experiments.assign({
      userId: turn.user.id,
      tier: turn.user.tier,
      locale: turn.user.locale,
      platform: turn.user.platform ?? null,
      isNew: !turn.conversation.olderTurns,
    });
  }

  /**
   * What the model loop learns from a finished turn: a variant's reply that reached the user is
   * an exposure (stored the first time: sticky), and a message read as positive answers the reply
   * before it well (a `followup`). Both are batched, never waited on.
   */
  private observe(turn: Turn, route: ReplyRoute | null): void {
    if (route?.experiment && route.variant && turn.output?.ttftMs !== null) {
      this.experiments.expose(turn.user.id, route.experiment, route.variant);
    }
    const valence = turn.affect?.affect.valence;
    const history = turn.conversation.history;
    const before = history.length >= 2 ? history[history.length - 2] : null;
    if (valence !== undefined && before?.role === 'assistant' && turn.why !== 'regenerate') {
      this.feedback.observeFollowup({
        userId: turn.user.id,
        conversationId: turn.conversationId,
        replyId: before.id,
        valence,
      });
    }
  }
}

/**
 * How the reply was routed, as stored with it: the route that served it (a fallback's when one
 * did), why, and the experiment variant when the variant's own route served it. A crisis
 * protocol reply carries only the user's variant (reason `crisis_protocol`); null for a turn that
 * ended before the route stage.
 */
export function routeOf(
  turn: Turn,
  protocolVariant: { experiment: string; variant: string } | null = null,
): ReplyRoute | null {
  const r = turn.route;
  const output = turn.output;
  if (output?.source === 'protocol') {
    // No route chose it; kept with the user's variant so that crisis rates compare by variant.
    if (!protocolVariant) return null;
    return {
      route: 'protocol',
      endpoint: '',
      model: '',
      promptSet: output.version ?? '',
      reason: 'crisis_protocol',
      sampling: { temperature: 0, topP: 0, topK: 0, presencePenalty: 0, maxTokens: 0 },
      experiment: protocolVariant.experiment,
      variant: protocolVariant.variant,
    };
  }
  if (!r) return null;
  const s = output?.servedBy ?? r.settings;
  const fallbackFrom = output?.servedBy ? r.settings.route : r.movedFrom;
  return {
    route: s.route,
    endpoint: s.endpoint,
    model: output?.model ?? s.model,
    promptSet: r.promptSet,
    reason: r.reason,
    sampling: { ...s.sampling, maxTokens: s.maxTokens },
    ...(fallbackFrom ? { fallbackFrom } : {}),
    ...(r.experiment && !output?.servedBy
      ? { experiment: r.experiment.key, variant: r.experiment.variant }
      : {}),
  };
}
