import { z } from 'zod';

/**
 * An experiment (docs/model-loop.md): variants that compete on the same users' turns, each a
 * route of the routing file (a model or LoRA adapter on an endpoint, a prompt set, sampling);
 * one is the control. Who takes part (targeting), what share of them (traffic), the weights of
 * the variants, and the guardrails that stop a variant on their own.
 */
const key = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'a key: a-z, 0-9, _ and -');

export const experimentDefinitionSchema = z
  .object({
    key,
    /** `running` serves variants; `draft` and `stopped` serve nobody. */
    status: z.enum(['draft', 'running', 'stopped']).default('running'),
    control: key,
    variants: z
      .array(
        z
          .object({
            name: key,
            route: z.string().min(1).max(40),
            weight: z.number().min(0).max(1000).default(1),
          })
          .strict(),
      )
      .min(2)
      .max(10),
    /** The share of targeted users who take part, 0..1. */
    traffic: z.number().min(0).max(1).default(1),
    targeting: z
      .object({
        tiers: z.array(z.string().min(1).max(32)).optional(),
        /** Locale prefixes (`en` matches `en-US`). */
        locales: z.array(z.string().min(2).max(35)).optional(),
        /** `new`: nothing the user said lies outside the conversation's prompt yet. */
        audience: z.enum(['all', 'new', 'returning']).default('all'),
        platforms: z.array(z.string().min(1).max(16)).optional(),
      })
      .strict()
      .default({ audience: 'all' }),
    /** Limits that stop a variant (not the control) once it has `minTurns` served turns. */
    guardrails: z
      .object({
        maxCrisisRate: z.number().min(0).max(1).optional(),
        maxErrorRate: z.number().min(0).max(1).optional(),
        maxP95LatencyMs: z.number().int().min(1).optional(),
        minTurns: z.number().int().min(1).default(200),
      })
      .strict()
      .default({ minTurns: 200 }),
  })
  .strict()
  .superRefine((e, ctx) => {
    const names = e.variants.map((v) => v.name);
    if (new Set(names).size !== names.length) {
      ctx.addIssue({ code: 'custom', message: `${e.key}: variant names must be unique` });
    }
    if (!names.includes(e.control)) {
      ctx.addIssue({
        code: 'custom',
        message: `${e.key}: the control ${e.control} is not a variant`,
      });
    }
    if (e.variants.every((v) => v.weight === 0)) {
      ctx.addIssue({ code: 'custom', message: `${e.key}: some variant needs a weight above 0` });
    }
  });

export type ExperimentDefinition = z.infer<typeof experimentDefinitionSchema>;
