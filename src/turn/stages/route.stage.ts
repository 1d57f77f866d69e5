import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { LlmClient } from '../../llm/llm.client.js';
import type { TurnStage } from '../run-turn.js';
import type { Route, Turn } from '../turn.js';

/**
 * route: which model (or LoRA adapter, by name) with which sampling, and which prompt set,
 * serve this turn. Chosen per turn, so that variants, tiers and the hour can choose; today every
 * turn gets the configured model and prompt set.
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
    void turn;
    return Promise.resolve({
      settings: this.llm.defaults,
      promptSet: this.config.prompt.set,
      reason: 'default',
    });
  }
}
