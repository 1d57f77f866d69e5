import { Injectable } from '@nestjs/common';
import { LlmClient, type ModelPermit } from '../../llm/llm.client.js';
import { LlmError } from '../../llm/llm.errors.js';
import { TurnStopped } from '../turn.js';
import { TurnErrorCode, TurnException } from '../turn.exception.js';

/**
 * admit: a place at the model on this pod, taken before any other work of the turn (and before
 * its reply slot is claimed). A full line refuses at once with `busy` and a retry time; the turn
 * then ends with only its coded outcome stored.
 */
@Injectable()
export class AdmitStage {
  readonly name = 'admit' as const;

  constructor(private readonly llm: LlmClient) {}

  /** A place taken now if one is free, without waiting (a message's turn claimed with its insert). */
  tryRun(): ModelPermit | null {
    return this.llm.tryAdmit();
  }

  async run(signal?: AbortSignal): Promise<ModelPermit> {
    try {
      return await this.llm.admit(signal);
    } catch (e) {
      if (e instanceof LlmError && e.failure === 'busy') {
        throw new TurnException(TurnErrorCode.Busy, e.message, {
          retryAfterMs: e.details.retryAfterMs,
        });
      }
      if (
        e instanceof LlmError &&
        e.failure === 'cancelled' &&
        signal?.reason instanceof TurnStopped
      ) {
        throw signal.reason;
      }
      throw e;
    }
  }
}
