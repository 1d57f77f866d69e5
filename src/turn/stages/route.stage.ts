import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { LlmClient } from '../../llm/llm.client.js';
import type { TurnStage } from '../run-turn.js';
import type { Route, Turn } from '../turn.js';

/**
 * route: which model (or LoRA adapter, by name) with which sampling, and which prompt set,
 * serve this turn. Chosen per turn, so that variants, tiers and the hour can choose; today every
 * turn gets the configured model, and the configured prompt set or, for a conversation at
 * elevated risk (docs/safety.md), the care set.
 */
@Injectable()
export class RouteStage implements TurnStage<'route'> {
  readonly name = 'route' as const;
  readonly produces = 'route' as const;
  readonly optional = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly llm: LlmClient,
  ) {}

  run(turn: Turn): Promise<Route> {
    // A conversation at elevated risk is answered with the care prompt set until it decays.
    const care = turn.risk?.care ?? false;
    return Promise.resolve({
      settings: this.llm.defaults,
      promptSet: care ? this.config.safety.carePromptSet : this.config.prompt.set,
      reason: care ? 'care' : 'default',
    });
  }
}
