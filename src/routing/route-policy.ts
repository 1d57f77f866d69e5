import type { RoutingFile } from './routing-config.js';
import { inWindow } from './peak-window.js';

/**
 * The routing policy (docs/model-loop.md): which route serves a turn, and why. Pure and cheap:
 * plain values in, a decision out, no I/O (loads and health are read by others in the background
 * and handed in). Order: an override rule; the experiment's variant when the user is assigned;
 * paid users keep the best route; a long free conversation, a free user at the peak, or overload
 * go to the cheap route; else the default. A route whose endpoint is down gives way to the first
 * healthy route of its fallbacks.
 */

export type RouteReason =
  | 'default'
  | 'override'
  | 'experiment'
  | 'paid'
  | 'long_free'
  | 'peak_free'
  | 'overload_free'
  | 'endpoint_down';

export interface EndpointLoad {
  /** `vllm:num_requests_waiting`. */
  waiting: number;
  /** `vllm:kv_cache_usage_perc`, 0..1. */
  kvCache: number;
}

export interface RouteInput {
  tier: string;
  locale: string | null;
  /** Turns of the conversation so far (this one included). */
  turns: number;
  /** Tokens of the history the prompt would carry. */
  tokens: number;
  nowMs: number;
  /** This process's line at the model (the LlmGate). */
  own: { waiting: number; maxWaiting: number };
  /** The endpoints' last scraped load, by endpoint name (absent: unknown). */
  load: ReadonlyMap<string, EndpointLoad>;
  /** Endpoints whose breaker is open. */
  down: ReadonlySet<string>;
  /** The experiment's variant, when the user is assigned one. */
  variant: { route: string } | null;
}

export interface RouteDecision {
  route: string;
  /** A RouteReason, or an override rule's own reason code. */
  reason: string;
  /** The route the policy chose before health moved it, when it did. */
  movedFrom?: string;
  /** Where to go, in order, when this route fails before its first token. */
  fallbacks: string[];
}

/** A routing file made ready for decisions: lookups and fallback orders computed once. */
export interface RoutingTable {
  file: RoutingFile;
  endpointOf: ReadonlyMap<string, string>;
  fallbacksOf: ReadonlyMap<string, string[]>;
  paid: ReadonlySet<string>;
}

export function compileRoutingTable(file: RoutingFile): RoutingTable {
  const endpointOf = new Map(file.routes.map((r) => [r.name, r.endpoint]));
  const fallbacksOf = new Map(
    file.routes.map((r) => [
      r.name,
      file.policy.fallbacks?.[r.name] ??
        file.routes.filter((o) => o.name !== r.name).map((o) => o.name),
    ]),
  );
  return { file, endpointOf, fallbacksOf, paid: new Set(file.policy.paidTiers) };
}

export function decideRoute(table: RoutingTable, input: RouteInput): RouteDecision {
  const chosen = choose(table, input);
  const fallbacks = table.fallbacksOf.get(chosen.route) ?? [];
  if (!input.down.has(table.endpointOf.get(chosen.route)!)) return { ...chosen, fallbacks };
  const healthy = fallbacks.find((r) => !input.down.has(table.endpointOf.get(r)!));
  // Every endpoint down: keep the choice (its breaker lets a trial through after the cooldown).
  if (!healthy) return { ...chosen, fallbacks };
  return {
    route: healthy,
    reason: 'endpoint_down',
    movedFrom: chosen.route,
    fallbacks: (table.fallbacksOf.get(healthy) ?? []).filter((r) => r !== chosen.route),
  };
}

function choose(table: RoutingTable, input: RouteInput): { route: string; reason: string } {
  const { policy } = table.file;
  const peak = policy.peak ? inWindow(input.nowMs, policy.peak) : false;
  for (const o of policy.overrides) {
    const w = o.when;
    if (w.tiers && !w.tiers.includes(input.tier)) continue;
    if (w.peak !== undefined && w.peak !== peak) continue;
    if (w.minTurns !== undefined && input.turns < w.minTurns) continue;
    if (w.minTokens !== undefined && input.tokens < w.minTokens) continue;
    if (w.locales && !(input.locale && w.locales.some((l) => input.locale!.startsWith(l))))
      continue;
    return { route: o.route, reason: o.reason };
  }
  if (input.variant) return { route: input.variant.route, reason: 'experiment' };
  if (table.paid.has(input.tier)) return { route: policy.best ?? policy.default, reason: 'paid' };
  const cheap = policy.cheap;
  if (cheap) {
    const long = policy.longConversation;
    if (
      long &&
      ((long.turns && input.turns >= long.turns) || (long.tokens && input.tokens >= long.tokens))
    ) {
      return { route: cheap, reason: 'long_free' };
    }
    if (peak) return { route: cheap, reason: 'peak_free' };
    if (overloaded(table, input)) return { route: cheap, reason: 'overload_free' };
  }
  return { route: policy.default, reason: 'default' };
}

/** This process's line, or the default route's endpoint, is above the policy's limits. */
function overloaded(table: RoutingTable, input: RouteInput): boolean {
  const limits = table.file.policy.overload;
  if (!limits) return false;
  if (
    limits.ownWaitingRatio !== undefined &&
    input.own.maxWaiting > 0 &&
    input.own.waiting / input.own.maxWaiting >= limits.ownWaitingRatio
  ) {
    return true;
  }
  const load = input.load.get(table.endpointOf.get(table.file.policy.default)!);
  if (!load) return false;
  if (limits.endpointWaiting !== undefined && load.waiting >= limits.endpointWaiting) return true;
  return limits.kvCacheUsage !== undefined && load.kvCache >= limits.kvCacheUsage;
}
