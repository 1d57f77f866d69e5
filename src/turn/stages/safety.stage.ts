import { Injectable } from '@nestjs/common';
import type { TurnStage } from '../run-turn.js';
import type { Risk, Turn } from '../turn.js';

/**
 * safety: the place where the user's message is checked for risk before the model is asked.
 * A pass-through seam for now: every message reads as no risk. Required: when it does check,
 * a failure must not let a turn pass unchecked.
 */
@Injectable()
export class SafetyStage implements TurnStage<'risk'> {
  readonly name = 'safety' as const;
  readonly produces = 'risk' as const;
  readonly optional = false;

  run(turn: Turn): Promise<Risk> {
    void turn;
    return Promise.resolve({ level: 'none', categories: [] });
  }
}
