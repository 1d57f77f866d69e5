import { Inject, Injectable, Logger } from '@nestjs/common';
import { ClientEmitter } from '../../gateway/client-emitter.js';
import { toAffectView } from '../../gateway/message-view.js';
import { LlmClient } from '../../llm/llm.client.js';
import { LlmError } from '../../llm/llm.errors.js';
import { Metrics } from '../../observability/metrics.js';
import { SafetyService } from '../../safety/safety.service.js';
import { OUTPUT_CHECK, type OutputBlocked, type OutputCheckFactory } from '../output-check.js';
import type { TurnStage } from '../run-turn.js';
import { TurnStopped, type Turn, type TurnOutput } from '../turn.js';
import { TurnErrorCode } from '../turn.exception.js';

/**
 * generate: tells every device the reply starts, streams the route's model through the output
 * check (sentence by sentence; a sentence it withholds ends the stream, and the reply ends with
 * a safe line and a flag for operators) to every device of the user, and returns how it ended.
 * A model that fails, times out or is busy is an outcome (a failed reply with its code and
 * whatever was said before), not an error of the stage. The stream goes on when the user's socket drops.
 */
@Injectable()
export class GenerateStage implements TurnStage<'output'> {
  readonly name = 'generate' as const;
  readonly produces = 'output' as const;
  readonly optional = false;
  private readonly logger = new Logger(GenerateStage.name);

  constructor(
    @Inject(OUTPUT_CHECK) private readonly outputCheck: OutputCheckFactory,
    private readonly llm: LlmClient,
    private readonly emitter: ClientEmitter,
    private readonly metrics: Metrics,
    private readonly safety: SafetyService,
  ) {}

  async run(turn: Turn): Promise<TurnOutput> {
    const { reply } = turn;
    const userId = turn.user.id;
    this.emitter.toUser(userId, 'reply:start', {
      replyId: reply.id,
      conversationId: turn.conversationId,
      inReplyTo: turn.answering.id,
      seq: reply.seq,
      affect: turn.affect ? toAffectView(turn.affect.affect) : null,
    });
    const check = this.outputCheck({ minor: turn.risk?.minor ?? false });
    const route = turn.route!;
    const output: TurnOutput = {
      status: 'completed',
      content: '',
      errorCode: null,
      model: null,
      ttftMs: null,
      upstreamAt: null,
      usage: null,
    };
    let index = 0;
    const send = (text: string) => {
      if (!text) return;
      output.content += text;
      this.emitter.toUser(userId, 'reply:delta', { replyId: reply.id, index: index++, text });
    };
    try {
      const stream = this.llm.stream(turn.prompt!.messages, turn.signal, {
        permit: turn.permit,
        settings: route.settings,
        fallbacks: route.fallbacks,
        onServed: (served) => {
          if (served.route !== route.settings.route) output.servedBy = served;
        },
        onRequest: () => {
          if (output.upstreamAt !== null) return; // a retry: the first attempt is the one that counts
          output.upstreamAt = Date.now();
          if (turn.receivedAt) {
            this.metrics.ingestToUpstream.observe((output.upstreamAt - turn.receivedAt) / 1000);
          }
        },
      });
      for await (const event of stream) {
        if (event.type === 'delta') {
          if (output.ttftMs === null) {
            output.ttftMs = Date.now() - turn.startedAt;
            this.metrics.timeToFirstToken.observe(
              (Date.now() - (turn.receivedAt ?? turn.startedAt)) / 1000,
            );
          }
          send(check.push(event.text));
          // A withheld sentence stops the stream: nothing after it reaches the user.
          if (check.blocked) break;
        } else {
          output.usage = event.usage;
          output.model = event.model;
        }
      }
    } catch (e) {
      const code = failureCode(e, turn.signal);
      output.status = code === null ? 'cancelled' : 'failed';
      output.errorCode = code;
      if (e instanceof LlmError) output.retryAfterMs = e.details.retryAfterMs;
      if (code !== null) output.failure = e instanceof Error ? e.message : String(e);
    }
    // What the check still holds (a sentence the stream ended in the middle of, also when it
    // failed or was cancelled) is judged as the end of the reply, and sent when it passes.
    if (!check.blocked) send(check.flush());
    if (check.blocked) await this.withhold(turn, output, check.blocked, send);
    return output;
  }

  /** Ends a reply whose rest the output check withheld with the safe line, and flags it. */
  private async withhold(
    turn: Turn,
    output: TurnOutput,
    blocked: OutputBlocked,
    send: (text: string) => void,
  ): Promise<void> {
    const lang = turn.risk?.lang ?? 'en';
    const line = this.safety.withheldLine(lang, turn.risk?.minor ?? false);
    send((output.content && lang !== 'zh' ? ' ' : '') + line);
    output.withheld = { category: blocked.category, code: blocked.code };
    this.logger.warn(
      {
        turnId: turn.turnId,
        replyId: turn.reply.id,
        category: blocked.category,
        code: blocked.code,
        sentence: blocked.sentence,
      },
      'output check withheld the rest of a reply',
    );
    await this.safety
      .outputWithheld({
        userId: turn.user.id,
        conversationId: turn.conversationId,
        replyId: turn.reply.id,
        category: blocked.category,
      })
      .catch((e: unknown) =>
        this.logger.error(
          { turnId: turn.turnId, err: e instanceof Error ? e.message : String(e) },
          'could not flag the withheld reply',
        ),
      );
  }
}

/** The reply's error code; null when the user cancelled it (not an error). */
function failureCode(e: unknown, signal: AbortSignal): TurnErrorCode | null {
  if (!(e instanceof LlmError)) return TurnErrorCode.Internal;
  if (e.failure === 'cancelled') {
    const reason: unknown = signal.reason;
    return reason instanceof TurnStopped && reason.by === 'user'
      ? null
      : TurnErrorCode.ReplyInterrupted;
  }
  if (e.failure === 'busy') return TurnErrorCode.Busy;
  if (e.failure === 'timeout') return TurnErrorCode.ModelTimeout;
  return TurnErrorCode.ModelError;
}
