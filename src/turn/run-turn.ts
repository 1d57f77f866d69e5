import { CodedError } from '../common/coded-error.js';
import type { ClaimRead } from '../conversation/message.repository.js';
import type { ModelPermit } from '../llm/llm.client.js';
import {
  TurnStopped,
  type StageName,
  type Turn,
  type TurnFindings,
  type TurnOutput,
  type TurnRequest,
  type TurnStart,
} from './turn.js';
import { TurnErrorCode } from './turn.exception.js';

/**
 * One stage of the turn: it reads what it needs from the turn and returns its one finding,
 * which the runner stores under `produces`. Pure of Nest: a stage is any object of this shape,
 * so the pipeline runs as well with fakes (src/turn/run-turn.spec.ts).
 */
export interface TurnStage<K extends keyof TurnFindings = keyof TurnFindings> {
  readonly name: StageName;
  readonly produces: K;
  /**
   * An optional stage that fails degrades the turn: the failure is recorded (trace, log) and the
   * turn goes on with `fallback` (or without the finding). A required stage that fails ends the
   * turn with a stored, coded outcome.
   */
  readonly optional: boolean;
  /**
   * The stage's own state as a read the reply claim carries in its statement (no round trip of
   * its own); what it found is `turn.reads[name]`, for the stage's module to parse.
   */
  readonly read?: ClaimRead;
  /** Resolves undefined to add nothing (a stage that answers only sometimes, as `protocol`). */
  run(turn: Turn): Promise<TurnFindings[K] | undefined>;
  fallback?(turn: Turn): TurnFindings[K] | undefined;
}

/** What a turn is made of; TurnService gives the real parts, tests give fakes. */
export interface TurnPlan {
  /**
   * A place at the model, before any other work; throws a CodedError (busy) when refused, or
   * TurnStopped when the process drains while it waits.
   */
  admit(request: TurnRequest): Promise<ModelPermit>;
  /**
   * True when the request's text reads as a crisis at once (in-process, no I/O): its answer is
   * the crisis protocol, which needs no place at the model, so the turn does not wait for one
   * (the model may be hung or saturated).
   */
  screen?(request: TurnRequest): boolean;
  /** Claims the conversation's reply slot; null when nothing is owed or a reply streams. */
  claim(request: TurnRequest): Promise<TurnStart | null>;
  /** The stages after the claim, in order; the turn ends at the first that sets `output`. */
  stages: readonly TurnStage[];
  /** Stores the outcome and the trace, tells the devices, publishes the event. Always runs. */
  finish(turn: Turn): Promise<void>;
  /** Told when an optional stage fails or a required one ends the turn. */
  onStageFailed?(turn: Turn, stage: StageName, error: unknown, optional: boolean): void;
  now?: () => number;
}

/**
 * Runs one turn: admit (unless the screen reads a crisis), claim, the stages in order, finish. Returns the finished turn, or null
 * when there was nothing to answer (another reply streams, or the message was answered). The
 * place at the model is released whatever happens.
 */
export async function runTurn(request: TurnRequest, plan: TurnPlan): Promise<Turn | null> {
  const now = plan.now ?? Date.now;
  const admitStarted = now();
  let permit: ModelPermit | null = null;
  let refusal: unknown = null;
  const urgent = request.text !== undefined && (plan.screen?.(request) ?? false);
  if (!urgent) {
    try {
      permit = await plan.admit(request);
    } catch (e) {
      refusal = e;
    }
  }
  const admitMs = now() - admitStarted;
  // Stopped while waiting for a place (the process drains): nothing is claimed, and the message
  // stays owed a reply for a live process to give.
  if (refusal instanceof TurnStopped) return null;
  try {
    const start = await plan.claim(request);
    if (!start) return null;
    const turn: Turn = {
      ...start,
      ...(permit ? { permit } : {}),
      degraded: [],
      failed: null,
      timings: { admit: admitMs },
    };
    if (refusal !== null) {
      endWith(turn, 'admit', refusal);
      plan.onStageFailed?.(turn, 'admit', refusal, false);
    } else {
      for (const stage of plan.stages) {
        if (turn.output) break;
        const started = now();
        try {
          const found = await stage.run(turn);
          if (found !== undefined) (turn as Partial<TurnFindings>)[stage.produces] = found as never;
        } catch (e) {
          plan.onStageFailed?.(turn, stage.name, e, stage.optional);
          if (stage.optional) {
            turn.degraded.push({ stage: stage.name, error: describe(e) });
            const fallback = stage.fallback?.(turn);
            if (fallback !== undefined) {
              (turn as Partial<TurnFindings>)[stage.produces] = fallback as never;
            }
          } else {
            endWith(turn, stage.name, e);
          }
        } finally {
          turn.timings[stage.name] = now() - started;
        }
      }
      if (!turn.output) endWith(turn, 'generate', new Error('no stage produced a reply'));
    }
    await plan.finish(turn);
    return turn;
  } finally {
    permit?.release();
  }
}

/** Ends the turn as failed with the error's code (`internal` for anything uncoded). */
function endWith(turn: Turn, stage: StageName, error: unknown): void {
  const coded = error instanceof CodedError ? (error as CodedError<string>) : null;
  const code: string = coded?.code ?? TurnErrorCode.Internal;
  turn.failed = { stage, code, error: describe(error) };
  turn.output = failedOutput(code, coded?.context.retryAfterMs);
}

export function failedOutput(code: string, retryAfterMs?: number): TurnOutput {
  return {
    status: 'failed',
    content: '',
    errorCode: code,
    model: null,
    ttftMs: null,
    upstreamAt: null,
    usage: null,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  };
}

function describe(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
