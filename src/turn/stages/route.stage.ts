import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { ExperimentsService } from '../../feedback/experiments/experiments.service.js';
import { ModelRouter } from '../../llm/model-router.js';
import type { TurnStage } from '../run-turn.js';
import type { Route, Turn } from '../turn.js';

/**
 * route: which endpoint, model (or LoRA adapter) with which sampling, and which prompt set serve
 * this turn, and why (docs/model-loop.md). The experiment's variant when the user is assigned
 * one; else the routing policy by tier, the conversation's length, load, the peak and endpoint
 * health, all read from memory (no I/O here). A conversation at elevated risk (docs/safety.md) is
 * answered with the care prompt set until it decays, whatever the route.
 */
@Injectable()
export class RouteStage implements TurnStage<'route'> {
  readonly name = 'route' as const;
  readonly produces = 'route' as const;
  readonly optional = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly router: ModelRouter,
    private readonly experiments: ExperimentsService,
  ) {}

  async run(turn: Turn): Promise<Route> {
    // The user's stored variants: read since the turn started (cached per user), usually there.
    await this.experiments.warm(turn.user.id);
    return this.decide(turn);
  }

  /** The decision itself: synchronous, for the benchmark too. */
  decide(turn: Turn): Route {
    const history = turn.conversation.history;
    let tokens = 0;
    for (const m of history) tokens += m.tokens ?? Math.ceil(m.content.length / 3);
    const assignment = this.experiments.assign({
      userId: turn.user.id,
      tier: turn.user.tier,
      locale: turn.user.locale,
      platform: turn.user.platform ?? null,
      isNew: !turn.conversation.olderTurns,
    });
    const routed = this.router.route({
      tier: turn.user.tier,
      locale: turn.user.locale,
      turns: Math.ceil(turn.reply.seq / 2),
      tokens,
      variant: assignment ? { route: assignment.route } : null,
    });
    const care = turn.risk?.care ?? false;
    const served = assignment && routed.decision.route === assignment.route;
    return {
      settings: routed.settings,
      fallbacks: routed.fallbacks,
      promptSet: care
        ? this.config.safety.carePromptSet
        : (routed.promptSet ?? this.config.prompt.set),
      reason: care ? 'care' : routed.decision.reason,
      ...(routed.decision.movedFrom ? { movedFrom: routed.decision.movedFrom } : {}),
      ...(served
        ? { experiment: { key: assignment.experiment, variant: assignment.variant } }
        : {}),
    };
  }
}
