import { Logger } from '@nestjs/common';
import type { RoutingFile } from '../routing/routing-config.js';
import { CircuitBreaker } from '../routing/circuit-breaker.js';
import { readGauges } from '../routing/prometheus-text.js';
import {
  compileRoutingTable,
  decideRoute,
  type EndpointLoad,
  type RouteDecision,
  type RouteInput,
  type RoutingTable,
} from '../routing/route-policy.js';
import type { EndpointHealth, EndpointTarget, GenerationSettings } from './llm.client.js';
import type { LlmGate } from './llm-gate.js';

const WAITING = 'vllm:num_requests_waiting';
const KV_CACHE = 'vllm:kv_cache_usage_perc';
const SCRAPE_TIMEOUT_MS = 2_000;

/** What the route stage asks: the policy's inputs that only the turn knows. */
export type TurnRouteInput = Pick<RouteInput, 'tier' | 'locale' | 'turns' | 'tokens' | 'variant'>;

export interface RoutedTurn {
  decision: RouteDecision;
  settings: GenerationSettings;
  /** The prompt set the route names, when it names one. */
  promptSet: string | null;
  fallbacks: GenerationSettings[];
}

/**
 * The routing of this process: the routing file's table, the endpoints' circuit breakers, and
 * their load and served models read in the background (never on a turn's path). `route` is the
 * policy applied to what the turn knows plus what is kept here: pure and fast. Without a routing
 * file every turn gets the one configured endpoint and model (`default`), as before routing.
 */
export class ModelRouter implements EndpointHealth {
  private readonly logger = new Logger(ModelRouter.name);
  private readonly table: RoutingTable | null;
  private readonly settings = new Map<string, GenerationSettings>();
  private readonly promptSets = new Map<string, string | null>();
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly load = new Map<string, EndpointLoad>();
  /** Endpoints whose breaker is open, kept in step on every change (the policy reads a set). */
  private readonly down = new Set<string>();
  /** Models (base and LoRA adapters) each endpoint listed at its last `/v1/models`. */
  readonly served = new Map<string, string[]>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly file: RoutingFile | null,
    defaults: GenerationSettings,
    private readonly gate: Pick<LlmGate, 'waiting'> & { readonly maxWaiting: number },
    private readonly now: () => number = Date.now,
  ) {
    this.table = file ? compileRoutingTable(file) : null;
    if (!file) {
      this.settings.set('default', defaults);
      this.promptSets.set('default', null);
      return;
    }
    for (const r of file.routes) {
      this.settings.set(r.name, {
        route: r.name,
        endpoint: r.endpoint,
        model: r.model,
        sampling: { ...defaults.sampling, ...r.sampling },
        maxTokens: r.maxTokens ?? defaults.maxTokens,
        enableThinking: defaults.enableThinking,
      });
      this.promptSets.set(r.name, r.promptSet ?? null);
    }
    for (const e of file.endpoints) this.breakers.set(e.name, new CircuitBreaker(file.breaker));
  }

  /** The endpoints the client sends to (empty without a routing file: LLM_BASE_URL alone). */
  static targets(file: RoutingFile | null, env: NodeJS.ProcessEnv = process.env): EndpointTarget[] {
    return (file?.endpoints ?? []).map((e) => ({
      name: e.name,
      baseUrl: e.baseUrl,
      apiKey: e.apiKeyEnv ? env[e.apiKeyEnv] : undefined,
    }));
  }

  get configured(): boolean {
    return this.table !== null;
  }

  /** The route for a turn. */
  route(input: TurnRouteInput): RoutedTurn {
    if (!this.table) {
      return {
        decision: { route: 'default', reason: 'default', fallbacks: [] },
        settings: this.settings.get('default')!,
        promptSet: null,
        fallbacks: [],
      };
    }
    this.refreshDown();
    const decision = decideRoute(this.table, {
      ...input,
      nowMs: this.now(),
      own: { waiting: this.gate.waiting, maxWaiting: this.gate.maxWaiting },
      load: this.load,
      down: this.down,
    });
    return {
      decision,
      settings: this.settings.get(decision.route)!,
      promptSet: this.promptSets.get(decision.route) ?? null,
      fallbacks: decision.fallbacks.map((r) => this.settings.get(r)!),
    };
  }

  // --- EndpointHealth: the client reports each attempt ------------------------------------------

  allows(endpoint: string): boolean {
    return this.breakers.get(endpoint)?.allows(this.now()) ?? true;
  }

  begin(endpoint: string): void {
    this.breakers.get(endpoint)?.begin(this.now());
  }

  success(endpoint: string): void {
    const b = this.breakers.get(endpoint);
    if (!b) return;
    if (b.state(this.now()) !== 'closed') this.logger.log({ endpoint }, 'endpoint breaker closed');
    b.success();
    this.down.delete(endpoint);
  }

  failure(endpoint: string): void {
    const b = this.breakers.get(endpoint);
    if (!b) return;
    const before = b.state(this.now());
    b.failure(this.now());
    if (b.state(this.now()) === 'open') {
      this.down.add(endpoint);
      if (before !== 'open') this.logger.warn({ endpoint }, 'endpoint breaker opened');
    }
  }

  /** The breaker of an endpoint, as operators and tests read it. */
  breakerState(endpoint: string): string {
    return this.breakers.get(endpoint)?.state(this.now()) ?? 'closed';
  }

  /** An endpoint's last scraped load. */
  loadOf(endpoint: string): EndpointLoad | undefined {
    return this.load.get(endpoint);
  }

  /** Breakers past their cooldown are half open: the policy may choose them again. */
  private refreshDown(): void {
    if (this.down.size === 0) return;
    const now = this.now();
    for (const e of this.down) if (this.breakers.get(e)?.healthy(now)) this.down.delete(e);
  }

  // --- background reads ------------------------------------------------------------------------

  /** Reads every endpoint's metrics and models now and then every `scrapeIntervalMs`. */
  start(targets: EndpointTarget[]): void {
    if (!this.file || this.timer) return;
    const run = () => void this.scrape(targets);
    run();
    this.timer = setInterval(run, this.file.scrapeIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async scrape(targets: EndpointTarget[]): Promise<void> {
    await Promise.all(
      targets.map(async (t) => {
        const config = this.file?.endpoints.find((e) => e.name === t.name);
        const metricsUrl = config?.metricsUrl ?? `${new URL(t.baseUrl).origin}/metrics`;
        const headers: Record<string, string> = t.apiKey
          ? { authorization: `Bearer ${t.apiKey}` }
          : {};
        try {
          const res = await fetch(metricsUrl, {
            headers,
            signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS),
          });
          if (res.ok) {
            const g = readGauges(await res.text(), [WAITING, KV_CACHE]);
            this.load.set(t.name, { waiting: g.get(WAITING) ?? 0, kvCache: g.get(KV_CACHE) ?? 0 });
          }
        } catch {
          this.load.delete(t.name); // unknown load: the policy does not act on it
        }
        try {
          const res = await fetch(`${t.baseUrl.replace(/\/$/, '')}/models`, {
            headers,
            signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS),
          });
          if (!res.ok) return;
          const body = (await res.json()) as { data?: Array<{ id?: unknown }> };
          const ids = (body.data ?? [])
            .map((m) => m.id)
            .filter((id): id is string => typeof id === 'string');
          const before = this.served.get(t.name)?.join(',');
          this.served.set(t.name, ids);
          if (before !== ids.join(',')) this.warnUnserved(t.name, ids);
        } catch {
          // the breaker, not the listing, says whether an endpoint answers
        }
      }),
    );
  }

  private warnUnserved(endpoint: string, ids: string[]): void {
    for (const r of this.file?.routes ?? []) {
      if (r.endpoint === endpoint && !ids.includes(r.model)) {
        this.logger.warn(
          { route: r.name, endpoint, model: r.model },
          'a route names a model its endpoint does not serve',
        );
      }
    }
  }
}
