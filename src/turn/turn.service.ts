import { Inject, Injectable, Logger } from '@nestjs/common';
import { DEFAULT_TIER } from '../auth/token-verifier.js';
import { uuidv7 } from '../common/uuid.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { RUNTIME, type Runtime } from '../config/runtime.js';
import {
  MessageRepository,
  type ClaimOutcome,
  type ClaimReads,
  type ReplyClaim,
} from '../conversation/message.repository.js';
import type { ModelPermit } from '../llm/llm.client.js';
import { ClientEmitter } from '../gateway/client-emitter.js';
import { withTurnId } from '../observability/log-context.js';
import { Metrics } from '../observability/metrics.js';
import { VoiceClipRepository } from '../voice/voice-clip.repository.js';
import { runTurn, type TurnPlan, type TurnStage } from './run-turn.js';
import { AdmitStage } from './stages/admit.stage.js';
import { ProtocolStage } from './stages/protocol.stage.js';
import { SafetyService } from '../safety/safety.service.js';
import { ExperimentsService } from '../feedback/experiments/experiments.service.js';
import { AffectStage } from './stages/affect.stage.js';
import { GenerateStage } from './stages/generate.stage.js';
import { PromptStage } from './stages/prompt.stage.js';
import { RecallStage } from './stages/recall.stage.js';
import { RouteStage } from './stages/route.stage.js';
import { SafetyStage } from './stages/safety.stage.js';
import { TurnFinisher } from './turn-finisher.js';
import { TurnErrorCode, TurnException } from './turn.exception.js';
import {
  TurnStopped,
  type Turn,
  type TurnRequest,
  type TurnStart,
  type VoiceFindings,
} from './turn.js';

/**
 * A turn whose place at the model was free when its message came: the message's insert claims
 * the reply slot in its own statement (`claim`), and the turn starts from what it found.
 */
export interface TurnReservation {
  readonly permit: ModelPermit;
  readonly claim: ReplyClaim;
}

interface ActiveReply {
  turnId: string;
  userId: string;
  abort: AbortController;
}

/**
 * The only place that knows the order of a turn: admit (skipped for a message the safety screen
 * reads as a crisis), claim the reply slot, safety, protocol, affect, recall, route, prompt,
 * generate, finish (src/turn/run-turn.ts runs them). Starts a turn when a
 * user message is stored or transcribed, or when a sweep finds one owed a reply; a generation
 * belongs to the process, not to a socket: it goes on when the user's connection drops.
 */
@Injectable()
export class TurnService {
  private readonly logger = new Logger(TurnService.name);
  /** Replies streaming in this process, by reply id (cancel, lease renewal). */
  private readonly active = new Map<string, ActiveReply>();
  /** Every turn running here, from admission to finish, so that draining waits for them. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly drainSignal = new AbortController();
  private readonly stages: readonly TurnStage[];
  /** The reads the stages ask the claim to carry, by stage. */
  private readonly claimReads: ClaimReads = {};

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly messages: MessageRepository,
    private readonly clips: VoiceClipRepository,
    private readonly admit: AdmitStage,
    safety: SafetyStage,
    protocol: ProtocolStage,
    affect: AffectStage,
    recall: RecallStage,
    route: RouteStage,
    prompt: PromptStage,
    generate: GenerateStage,
    private readonly finisher: TurnFinisher,
    private readonly metrics: Metrics,
    private readonly safetyService: SafetyService,
    private readonly emitter: ClientEmitter,
    private readonly experiments: ExperimentsService,
  ) {
    this.stages = [safety, protocol, affect, recall, route, prompt, generate];
    for (const stage of this.stages) if (stage.read) this.claimReads[stage.name] = stage.read;
  }

  get activeReplyIds(): string[] {
    return [...this.active.keys()];
  }

  /** A new correlation id for a turn about to be asked for. */
  static newTurnId(): string {
    return uuidv7();
  }

  /**
   * Answers what the conversation owes a reply, if anything (fire and forget: failures are
   * logged, and a message left owed is picked up by the awaiting-reply sweep).
   */
  answer(request: Omit<TurnRequest, 'turnId'> & { turnId?: string }): void {
    const turnId = request.turnId ?? uuidv7();
    this.run({ ...request, turnId }).catch((e: unknown) =>
      this.logger.error(
        { turnId, conversationId: request.conversationId, err: String(e) },
        'turn could not run; the message stays owed a reply',
      ),
    );
  }

  /**
   * A place at the model now, if one is free without waiting, and the claim a text message's
   * insert makes with it; null when the turn would wait (it then runs as `answer` does, after
   * the insert). The caller gives it back through `answerReserved` whatever the insert did.
   */
  reserve(turnId: string): TurnReservation | null {
    const permit = this.admit.tryRun();
    if (!permit) return null;
    return {
      permit,
      claim: {
        owner: this.runtime.instanceId,
        leaseMs: this.config.chat.replyLeaseMs,
        turnId,
        historyLimit: this.config.prompt.historyMaxMessages,
        reads: this.claimReads,
      },
    };
  }

  /**
   * Runs the turn of a message stored with a reservation, from what its insert's claim found
   * (`claimed`; undefined when no claim was made, and the turn claims as usual). It starts once
   * the current callbacks are done, so that the message's ack goes out before `reply:start`.
   */
  answerReserved(
    request: TurnRequest,
    reservation: TurnReservation,
    claimed: ClaimOutcome | undefined,
  ): void {
    if (claimed === undefined) {
      reservation.permit.release();
      this.answer(request);
      return;
    }
    this.run(request, { permit: reservation.permit, claimed }).catch((e: unknown) =>
      this.logger.error(
        { turnId: request.turnId, conversationId: request.conversationId, err: String(e) },
        'turn could not run; the message stays owed a reply',
      ),
    );
  }

  /** Runs one turn to its end; null when nothing was owed or a reply already streams. */
  run(
    request: TurnRequest,
    reserved?: { permit: ModelPermit; claimed: ClaimOutcome },
  ): Promise<Turn | null> {
    const running = withTurnId(request.turnId, () => this.runTurn(request, reserved));
    this.inFlight.add(running);
    void running.then(
      () => this.inFlight.delete(running),
      () => this.inFlight.delete(running),
    );
    return running;
  }

  private async runTurn(
    request: TurnRequest,
    reserved?: { permit: ModelPermit; claimed: ClaimOutcome },
  ): Promise<Turn | null> {
    let replyId: string | null = null;
    // While an experiment runs, the user's stored variants are read beside admission and the claim.
    void this.experiments.warm(request.userId);
    if (reserved) {
      // Taken and claimed with the message's insert: the ack goes out first.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const plan: TurnPlan = {
      admit: (req) =>
        reserved
          ? Promise.resolve(reserved.permit)
          : req.refuse
            ? Promise.reject(
                new TurnException(req.refuse.code as TurnErrorCode, req.refuse.message),
              )
            : this.admit.run(this.drainSignal.signal),
      // A reserved turn holds its place already: nothing to skip the wait for.
      screen: (req) => !reserved && !req.refuse && this.safetyService.screen(req.text ?? ''),
      claim: async (req) => {
        const start = reserved ? await this.started(req, reserved.claimed) : await this.claim(req);
        replyId = start?.reply.id ?? null;
        return start;
      },
      stages: this.stages,
      finish: async (turn) => {
        const stored = await this.finisher.finish(turn);
        // Messages that came while this reply streamed get a reply of their own.
        if (stored?.moreDue) {
          this.answer({
            conversationId: turn.conversationId,
            userId: turn.user.id,
            user: turn.user,
            why: 'follow-up',
          });
        }
      },
      onStageFailed: (turn, stage, error, optional) =>
        this.logger.warn(
          {
            turnId: turn.turnId,
            replyId: turn.reply.id,
            stage,
            err: error instanceof Error ? error.message : String(error),
          },
          optional ? 'turn stage failed; going on without it' : 'turn stage failed; turn ended',
        ),
    };
    try {
      const turn = await runTurn(request, plan);
      if (turn) this.observe(turn);
      return turn;
    } finally {
      if (replyId) this.active.delete(replyId);
    }
  }

  /** Cancels a reply running in this process; false when it is not here. */
  cancelLocal(replyId: string, userId: string): boolean {
    const active = this.active.get(replyId);
    if (!active || active.userId !== userId) return false;
    if (!active.abort.signal.aborted) active.abort.abort(new TurnStopped('user'));
    return true;
  }

  /**
   * Waits for the turns in flight to finish until `deadline`; then stops the rest, which are
   * stored as interrupted (their messages stay answerable with one tap). Used by graceful shutdown.
   */
  async drain(deadline: number): Promise<void> {
    while (this.inFlight.size > 0 && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...this.inFlight]),
        new Promise((r) => (timer = setTimeout(r, Math.max(0, deadline - Date.now())))),
      ]);
      clearTimeout(timer);
    }
    // Turns still waiting for a place at the model give it up; their messages stay owed a
    // reply, which the awaiting-reply sweep of a live process gives.
    this.drainSignal.abort(new TurnStopped('shutdown'));
    for (const a of this.active.values()) {
      if (!a.abort.signal.aborted) a.abort.abort(new TurnStopped('shutdown'));
    }
    await Promise.allSettled([...this.inFlight]);
  }

  /** Claims the reply slot and gathers what the turn starts from (one query, plus voice). */
  private async claim(request: TurnRequest): Promise<TurnStart | null> {
    const claimed = await this.messages.startReply({
      conversationId: request.conversationId,
      owner: this.runtime.instanceId,
      leaseMs: this.config.chat.replyLeaseMs,
      turnId: request.turnId,
      historyLimit: this.config.prompt.historyMaxMessages,
      // The stages' own state comes back with the claim: no round trip of theirs.
      reads: this.claimReads,
    });
    return this.started(request, claimed);
  }

  /** What the turn starts from, given what the claim found (here or with the message's insert). */
  private async started(request: TurnRequest, claimed: ClaimOutcome): Promise<TurnStart | null> {
    if (!claimed) return null;
    if ('takenOverBy' in claimed) {
      // An operator holds the conversation: the model is paused for it. The messages were
      // settled for the operator, whose console is told (ids only) to show them.
      this.logger.log(
        { conversationId: claimed.conversationId, messages: claimed.settled.length },
        'message in a conversation an operator holds; the model is not asked',
      );
      this.emitter.toOperators('takeover:message', {
        conversationId: claimed.conversationId,
        userId: claimed.userId,
        operatorId: claimed.takenOverBy,
        messageIds: claimed.settled,
        at: new Date().toISOString(),
      });
      return null;
    }
    const abort = new AbortController();
    this.active.set(claimed.id, { turnId: request.turnId, userId: claimed.userId, abort });
    const voice = await this.voiceFindings(claimed.answered, request.voice ?? null);
    return {
      turnId: request.turnId,
      user: {
        id: claimed.userId,
        locale: request.user?.locale ?? claimed.userLocale,
        // What the app says now, else what is kept on the user, else the configured default.
        timeZone: request.user?.timeZone ?? claimed.userTimeZone ?? this.config.defaultTimeZone,
        ageBand: request.user?.ageBand ?? null,
        tier: request.user?.tier ?? DEFAULT_TIER,
        platform: request.user?.platform ?? null,
      },
      conversationId: claimed.conversationId,
      reply: { id: claimed.id, seq: claimed.seq },
      answering: claimed.answering,
      answered: claimed.answered,
      voice,
      conversation: {
        summary: claimed.summary,
        history: claimed.history.map((m) => ({
          id: m.id,
          seq: m.seq,
          role: m.role,
          content: m.content,
          tokens: m.contentTokens,
        })),
        olderTurns: claimed.olderTurns,
      },
      reads: claimed.reads,
      receivedAt: request.receivedAt ?? null,
      storedAt: request.storedAt ?? null,
      startedAt: Date.now(),
      why: request.why,
      signal: abort.signal,
    };
  }

  /** The voice measurements of the voice messages answered: the one in hand, the rest read. */
  private async voiceFindings(
    answered: Array<{ id: string; kind: 'text' | 'voice' }>,
    inHand: VoiceFindings | null,
  ): Promise<VoiceFindings[]> {
    const voiceIds = answered.filter((m) => m.kind === 'voice').map((m) => m.id);
    if (voiceIds.length === 0) return [];
    const missing = voiceIds.filter((id) => id !== inHand?.messageId);
    const read = missing.length > 0 ? await this.clips.findings(missing) : [];
    return [...read, ...(inHand && voiceIds.includes(inHand.messageId) ? [inHand] : [])];
  }

  private observe(turn: Turn): void {
    for (const [stage, ms] of Object.entries(turn.timings)) {
      const outcome =
        turn.failed?.stage === stage
          ? 'failed'
          : turn.degraded.some((d) => d.stage === stage)
            ? 'degraded'
            : 'ok';
      this.metrics.turnStages.observe({ stage, outcome }, ms / 1000);
    }
  }
}
