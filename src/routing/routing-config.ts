import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { experimentDefinitionSchema } from '../feedback/experiments/experiment-definition.js';

/**
 * The routing file (ROUTING_CONFIG_FILE, docs/model-loop.md): OpenAI-compatible endpoints, the
 * routes on them (a model or LoRA adapter, a prompt set, sampling), the policy that picks one per
 * turn, the circuit breaker, and experiments. Validated once at boot; a bad file stops start-up
 * with what is wrong. Secrets are never in it: an endpoint names the variable holding its key.
 */

const name = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'a name: a-z, 0-9, _ and -');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');
const promptSet = z.string().regex(/^[a-z0-9-]+\/v\d+$/, 'must look like name/vN');

const endpointSchema = z
  .object({
    name,
    /** The OpenAI-compatible base URL, `/v1` included. */
    baseUrl: z.string().url(),
    /** The environment variable that holds the endpoint's API key. */
    apiKeyEnv: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*$/)
      .optional(),
    /** Where its Prometheus metrics are (default: the base URL's origin + `/metrics`). */
    metricsUrl: z.string().url().optional(),
  })
  .strict();

const samplingSchema = z
  .object({
    temperature: z.number().min(0).max(2).optional(),
    topP: z.number().min(0).max(1).optional(),
    topK: z.number().int().min(-1).max(1000).optional(),
    presencePenalty: z.number().min(-2).max(2).optional(),
  })
  .strict();

const routeSchema = z
  .object({
    name,
    endpoint: name,
    /** The served model name: the base model or a LoRA adapter as vLLM lists it in /v1/models. */
    model: z.string().min(1).max(200),
    promptSet: promptSet.optional(),
    sampling: samplingSchema.optional(),
    maxTokens: z.number().int().min(1).max(32768).optional(),
  })
  .strict();

const conditionSchema = z
  .object({
    tiers: z.array(z.string().min(1).max(32)).optional(),
    peak: z.boolean().optional(),
    minTurns: z.number().int().min(0).optional(),
    minTokens: z.number().int().min(0).optional(),
    locales: z.array(z.string().min(2).max(35)).optional(),
  })
  .strict();

const policySchema = z
  .object({
    /** The route when nothing else applies. */
    default: name,
    /** Where paid users go (default: `default`). */
    best: name.optional(),
    /** Where long free conversations, free users at the peak and overload go. */
    cheap: name.optional(),
    /** Tiers that are paid; every other tier (and no tier) is free. */
    paidTiers: z.array(z.string().min(1).max(32)).default(['plus', 'pro', 'premium', 'paid']),
    /** The order of routes to fall back to, per route (default: every other route, as listed). */
    fallbacks: z.record(name, z.array(name)).optional(),
    /** The nightly peak, in its time zone; `end` before `start` crosses midnight. */
    peak: z.object({ timeZone: z.string(), start: hhmm, end: hhmm }).strict().optional(),
    /** A free conversation this long (turns, or tokens of its history) goes to `cheap`. */
    longConversation: z
      .object({
        turns: z.number().int().min(1).optional(),
        tokens: z.number().int().min(1).optional(),
      })
      .strict()
      .optional(),
    /** Load above which free turns go to `cheap`: own line, endpoint's waiting, KV cache. */
    overload: z
      .object({
        ownWaitingRatio: z.number().min(0).max(1).optional(),
        endpointWaiting: z.number().min(0).optional(),
        kvCacheUsage: z.number().min(0).max(1).optional(),
      })
      .strict()
      .optional(),
    /** Rules checked before everything else; the first that matches chooses. */
    overrides: z
      .array(
        z
          .object({
            when: conditionSchema,
            route: name,
            reason: z.string().regex(/^[a-z0-9_]{1,32}$/),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export const routingFileSchema = z
  .object({
    endpoints: z.array(endpointSchema).min(1),
    routes: z.array(routeSchema).min(1),
    policy: policySchema,
    breaker: z
      .object({
        failures: z.number().int().min(1).max(100).default(3),
        cooldownMs: z.number().int().min(100).max(3_600_000).default(30_000),
      })
      .strict()
      .default({ failures: 3, cooldownMs: 30_000 }),
    /** How often endpoints' /metrics and /v1/models are read, in the background. */
    scrapeIntervalMs: z.number().int().min(500).max(600_000).default(5_000),
    experiments: z.array(experimentDefinitionSchema).default([]),
  })
  .strict()
  .superRefine((file, ctx) => {
    const endpoints = new Set(file.endpoints.map((e) => e.name));
    const routes = new Set(file.routes.map((r) => r.name));
    const issue = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (endpoints.size !== file.endpoints.length) issue('endpoint names must be unique');
    if (routes.size !== file.routes.length) issue('route names must be unique');
    for (const r of file.routes) {
      if (!endpoints.has(r.endpoint)) issue(`route ${r.name}: no endpoint named ${r.endpoint}`);
    }
    const p = file.policy;
    const named = [p.default, p.best, p.cheap, ...p.overrides.map((o) => o.route)];
    for (const [from, to] of Object.entries(p.fallbacks ?? {})) named.push(from, ...to);
    for (const e of file.experiments) for (const v of e.variants) named.push(v.route);
    for (const r of named) if (r !== undefined && !routes.has(r)) issue(`no route named ${r}`);
    if (p.peak) {
      try {
        new Intl.DateTimeFormat('en', { timeZone: p.peak.timeZone });
      } catch {
        issue(`policy.peak.timeZone: ${p.peak.timeZone} is not an IANA time zone`);
      }
    }
  });

export type RoutingFile = z.infer<typeof routingFileSchema>;
export type RouteConfig = RoutingFile['routes'][number];
export type EndpointConfig = RoutingFile['endpoints'][number];

/** Reads and validates a routing file: the file, or every problem found. */
export function readRoutingFile(path: string): { file: RoutingFile } | { problems: string[] } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    return { problems: [`${path}: ${e instanceof Error ? e.message : String(e)}`] };
  }
  return parseRoutingFile(raw);
}

export function parseRoutingFile(raw: unknown): { file: RoutingFile } | { problems: string[] } {
  const parsed = routingFileSchema.safeParse(raw);
  if (parsed.success) return { file: parsed.data };
  return {
    problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`),
  };
}
