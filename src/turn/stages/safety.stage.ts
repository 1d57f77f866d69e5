import { Injectable, Logger } from '@nestjs/common';
import { detectLanguage } from '../../affect/detect-language.js';
import { ClientEmitter } from '../../gateway/client-emitter.js';
import { SafetyService } from '../../safety/safety.service.js';
import type { TurnStage } from '../run-turn.js';
import type { Risk, Turn } from '../turn.js';

/**
 * safety: the user's message read for risk before anything is asked of a model, with the
 * conversation's and the user's accumulated risk, minors mode, and the notices due (AI
 * disclosure, break reminder), which go to the user's devices now. Required, and it never lets a
 * turn pass unchecked: when its state cannot be read or written, the in-process detector's
 * reading of this message still decides (the failure is recorded with the turn).
 */
@Injectable()
export class SafetyStage implements TurnStage<'risk'> {
  readonly name = 'safety' as const;
  readonly produces = 'risk' as const;
  readonly optional = false;
  readonly read = SafetyService.stateRead;
  private readonly logger = new Logger(SafetyStage.name);

  constructor(
    private readonly safety: SafetyService,
    private readonly emitter: ClientEmitter,
  ) {}

  async run(turn: Turn): Promise<Risk> {
    const text = answeredText(turn);
    const lang = detectLanguage(turn.answering.content);
    try {
      const { notices, write, ...risk } = await this.safety.assess({
        userId: turn.user.id,
        conversationId: turn.conversationId,
        text,
        lang,
        ageBand: turn.user.ageBand,
        state: turn.reads.safety,
        carry: true,
      });
      if (write) (turn.carried ??= []).push(write);
      for (const notice of notices) {
        this.emitter.toUser(turn.user.id, 'notice', {
          ...notice,
          conversationId: turn.conversationId,
        });
      }
      return risk;
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      this.logger.error(
        { turnId: turn.turnId, err: error },
        'safety state unavailable: the message is judged on its own',
      );
      turn.degraded.push({ stage: 'safety', error });
      return this.safety.readAlone(text, lang, turn.user.ageBand === 'minor');
    }
  }
}

/**
 * Every user message the reply answers, read together: a burst ("I want to die", then "hi")
 * must not hide an earlier message behind the latest one. The latest alone when the history does
 * not carry the others.
 */
export function answeredText(turn: Turn): string {
  const ids = new Set(turn.answered.map((m) => m.id));
  const texts = turn.conversation.history
    .filter((m) => m.role === 'user' && ids.has(m.id) && m.id !== turn.answering.id)
    .map((m) => m.content);
  return [...texts, turn.answering.content].join('\n');
}
