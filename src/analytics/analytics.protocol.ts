import { z } from 'zod';
import { BREAKDOWNS } from './retention.js';
import { EXPORT_FORMATS } from './export-format.js';

/** What a client may ask of the analytics API and command (docs/analytics.md#exports). */

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine((v) => new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), 'is not a date');

/** A comma-separated list (or the parameter repeated), each item checked. */
const listOf = (max: number) =>
  z
    .union([z.string().max(400), z.array(z.string().max(40)).max(max)])
    .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean));

export const DATASETS = ['retention', 'activity', 'sessions', 'guardrails', 'user_days'] as const;
export type Dataset = (typeof DATASETS)[number];

export const analyticsQuerySchema = z
  .object({
    dataset: z.enum(DATASETS).optional(),
    format: z.enum(EXPORT_FORMATS).optional(),
    /** Cohort (or activity) days, inclusive, in the analytics time zone. */
    from: isoDate.optional(),
    to: isoDate.optional(),
    granularity: z.enum(['day', 'week', 'month']).optional(),
    /** Periods after the cohort's, e.g. `1,7,30`. */
    offsets: listOf(24)
      .pipe(z.array(z.string().regex(/^\d{1,3}$/, 'offsets are whole numbers 0-400')).max(24))
      .transform((v) => v.map(Number))
      .pipe(z.array(z.number().int().min(0).max(400)))
      .optional(),
    /** `on`: bounded (returned in period N); `on_or_after`: unbounded. */
    return: z.enum(['on', 'on_or_after']).optional(),
    cohorts: z.enum(['first_time', 'recurring']).optional(),
    mode: z.enum(['calendar', 'rolling']).optional(),
    cohortEvent: z.enum(['message', 'voice_message']).optional(),
    returnEvent: z.enum(['message', 'voice_message']).optional(),
    breakdowns: listOf(BREAKDOWNS.length)
      .pipe(z.array(z.enum(BREAKDOWNS)))
      .optional(),
  })
  .strict();

export type AnalyticsQuery = z.infer<typeof analyticsQuerySchema>;
