import { z } from 'zod';
import { validTimeZone } from '../common/time-zone.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const num = (min: number, max: number) => z.coerce.number().min(min).max(max);
const url = (protocols: string[]) =>
  z
    .string()
    .url()
    .refine((v) => protocols.includes(new URL(v).protocol), {
      message: `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`,
    });
const promptSet = z.string().regex(/^[a-z0-9-]+\/v\d+$/, 'must look like name/vN');

/** A variable holding JSON that must match `schema`. */
function jsonOf<T extends z.ZodType>(schema: T) {
  return z.string().transform((text, ctx): z.infer<T> => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be JSON' });
      return z.NEVER;
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', message: parsed.error.issues[0]?.message ?? 'invalid' });
      return z.NEVER;
    }
    return parsed.data;
  });
}

const minutes = z
  .number()
  .int()
  .min(1)
  .max(7 * 24 * 60);
const noticeRuleSchema = z.object({ disclosureEveryMin: minutes, breakAfterMin: minutes }).strict();
/** `{ "us-ca": { "adult": {disclosureEveryMin, breakAfterMin}, "minor": {...} }, ... }` */
const noticePolicySchema = z.record(
  z.string(),
  z.object({ adult: noticeRuleSchema, minor: noticeRuleSchema }).strict(),
);
/** `{ "en-US": [{ id, name, phone?, text?, url? }], "zh": [...] }` */
const crisisResourcesSchema = z.record(
  z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'keys must be locales'),
  z
    .array(
      z
        .object({
          id: z.string().regex(/^[a-z0-9-]{1,40}$/),
          name: z.string().min(1).max(120),
          phone: z.string().max(40).optional(),
          text: z.string().max(40).optional(),
          url: z.string().url().optional(),
        })
        .strict(),
    )
    .min(1),
);
/** A pattern both JavaScript and Postgres (`~`) read the same way: no lookarounds or flags. */
function compiles(pattern: string): boolean {
  if (/\(\?[=!<]|\\[pPk]/.test(pattern)) return false;
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/** The process roles one image runs as (docs/architecture.md#process-roles). */
export const ROLES = ['all', 'gateway', 'worker'] as const;

/**
 * Every environment variable the service reads, with its default. Parsed once at boot; a bad
 * value stops start-up with the variable's name and what was wrong (see loadConfig).
 */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  ROLE: z.enum(ROLES).default('all'),
  PORT: int(0, 65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().default('.data'),

  DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
  DATABASE_POOL_SIZE: int(1, 200).default(10),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  REDIS_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9:_-]+$/)
    .default('companion'),

  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_PUBLIC_KEY: z
    .string()
    .includes('BEGIN PUBLIC KEY', { message: 'must be a PEM public key' })
    .optional(),
  JWT_ISSUER: z.string().optional(),
  JWT_AUDIENCE: z.string().optional(),
  JWT_MAX_LIFETIME_SEC: int(60, 30 * 86_400).default(86_400),
  DEFAULT_TIME_ZONE: z
    .string()
    .refine(
      (v) => validTimeZone(v) !== undefined,
      'must be an IANA time zone such as Asia/Shanghai',
    )
    .default('UTC'),
  OPERATOR_ROLE: z.string().default('operator'),
  /** How long an operator's claim on a flag holds before another may take it. */
  MODERATION_CLAIM_MIN: int(1, 24 * 60).default(15),
  MODERATION_RULES_REFRESH_MS: int(500, 10 * 60_000).default(10_000),
  MODERATION_REFUSALS_FLAG_AT: int(2, 100).default(3),
  MODERATION_REFUSALS_WINDOW_H: int(1, 24 * 30).default(24),

  LLM_BASE_URL: url(['http:', 'https:']).optional(),
  LLM_API_KEY: z.string().optional(),
  LLM_MODEL: z.string().min(1).default('companion-qwen3'),
  LLM_ENABLE_THINKING: bool.default(false),
  LLM_TEMPERATURE: num(0, 2).default(0.7),
  LLM_TOP_P: num(0, 1).default(0.8),
  LLM_TOP_K: int(-1, 1000).default(20),
  LLM_PRESENCE_PENALTY: num(-2, 2).default(1.5),
  LLM_MAX_TOKENS: int(1, 32768).default(512),
  LLM_FIRST_TOKEN_TIMEOUT_MS: int(100, 600_000).default(20_000),
  LLM_TOTAL_TIMEOUT_MS: int(100, 3_600_000).default(120_000),
  LLM_RETRIES: int(0, 5).default(1),
  LLM_MAX_CONCURRENT: int(1, 10_000).default(64),
  LLM_MAX_WAITING: int(0, 100_000).default(256),
  LLM_BUSY_RETRY_AFTER_MS: int(100, 600_000).default(5_000),

  WHISPER_BASE_URL: url(['http:', 'https:']).optional(),
  WHISPER_API_KEY: z.string().optional(),
  WHISPER_MODEL: z.string().min(1).default('whisper-large-v3'),
  WHISPER_MAX_CONCURRENT: int(1, 1000).default(8),
  WHISPER_MAX_WAITING: int(0, 10_000).default(32),
  WHISPER_TIMEOUT_MS: int(500, 600_000).default(30_000),
  WHISPER_RETRIES: int(0, 5).default(1),
  WHISPER_WORD_TIMESTAMPS: bool.default(false),

  AFFECT_MODEL_BASE_URL: url(['http:', 'https:']).optional(),
  AFFECT_MODEL_API_KEY: z.string().optional(),
  AFFECT_MODEL: z.string().min(1).default('companion-affect'),
  AFFECT_MODEL_TIMEOUT_MS: int(100, 60_000).default(1_500),
  AFFECT_PROMPT_SET: promptSet.default('affect/v1'),

  MEMORY_ENABLED: bool.default(true),
  MEMORY_BASE_URL: url(['http:', 'https:']).optional(),
  MEMORY_API_KEY: z.string().optional(),
  MEMORY_MODEL: z.string().min(1).optional(),
  MEMORY_TIMEOUT_MS: int(1000, 600_000).default(60_000),
  MEMORY_EXTRACTION_DELAY_MS: int(0, 86_400_000).default(60_000),
  MEMORY_BATCH_MESSAGES: int(2, 500).default(40),
  MEMORY_BUDGET_TOKENS: int(0, 100_000).default(1_500),
  MEMORY_PROMPT_SET: promptSet.default('memory/v1'),
  SUMMARY_KEEP_MESSAGES: int(4, 1000).default(30),
  EMBEDDINGS_BASE_URL: url(['http:', 'https:']).optional(),
  EMBEDDINGS_API_KEY: z.string().optional(),
  EMBEDDINGS_MODEL: z.string().min(1).max(100).default('bge-m3'),
  EMBEDDINGS_QUERY_TIMEOUT_MS: int(20, 10_000).default(300),
  EMBEDDINGS_BATCH_TIMEOUT_MS: int(500, 600_000).default(20_000),

  SAFETY_BASE_URL: url(['http:', 'https:']).optional(),
  SAFETY_API_KEY: z.string().optional(),
  SAFETY_MODEL: z.string().min(1).max(100).default('qwen3guard'),
  SAFETY_TIMEOUT_MS: int(20, 10_000).default(300),
  SAFETY_PROMPT_SET: promptSet.default('safety/v1'),
  SAFETY_CARE_PROMPT_SET: promptSet.default('care/v1'),
  SAFETY_JURISDICTION: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]{2})?$|^other$/)
    .default('us-ca'),
  SAFETY_SESSION_IDLE_MIN: int(1, 24 * 60).default(30),
  SAFETY_NOTICE_POLICY: jsonOf(noticePolicySchema).optional(),
  CRISIS_RESOURCES: jsonOf(crisisResourcesSchema).optional(),

  VOICE_MAX_DURATION_SEC: num(1, 600).default(60),
  VOICE_MAX_BYTES: int(1024, 50 * 1024 * 1024).default(2 * 1024 * 1024),
  VOICE_CHUNK_MAX_BYTES: int(1024, 16 * 1024 * 1024).default(256 * 1024),
  VOICE_UPLOAD_IDLE_MS: int(100, 3_600_000).default(30_000),
  VOICE_UPLOADS_PER_USER: int(1, 100).default(2),
  VOICE_PENDING_BYTES_PER_POD: int(1024 * 1024, 4 * 1024 * 1024 * 1024).default(128 * 1024 * 1024),
  VOICE_DECODE_TIMEOUT_MS: int(500, 600_000).default(15_000),
  VOICE_RETENTION_DAYS: num(0, 3650).default(30),
  VOICE_PROCESSING_LEASE_MS: int(1000, 3_600_000).default(120_000),
  VOICE_ANALYSIS_WORKERS: int(0, 64).default(1),
  VOICE_ANALYSIS_QUEUE: int(0, 10_000).default(32),
  VOICE_ANALYSIS_TIMEOUT_MS: int(100, 600_000).default(15_000),
  VOICE_DECODE_CONCURRENCY: int(1, 64).default(2),
  VOICE_DECODE_QUEUE: int(0, 10_000).default(16),

  PROMPT_SET: promptSet.default('companion/v4'),
  PROMPT_BUDGET_TOKENS: int(256, 1_000_000).default(6_144),
  PROMPT_HISTORY_MAX_MESSAGES: int(1, 1000).default(60),
  COMPANION_NAME: z.string().min(1).max(40).default('Mira'),

  MESSAGE_MAX_CHARS: int(1, 100_000).default(4_000),
  RATE_LIMIT_PER_MINUTE: int(1, 100_000).default(30),
  USER_API_RATE_LIMIT_PER_MINUTE: int(1, 100_000).default(60),
  USER_EXPORTS_PER_HOUR: int(1, 1000).default(6),
  WS_MAX_PAYLOAD_BYTES: int(1_024, 64 * 1024 * 1024).default(1024 * 1024),
  WS_ALLOWED_ORIGINS: list.default([]),
  SYNC_PAGE_SIZE: int(1, 1000).default(200),

  FEEDBACK_EDIT_MAX_CHARS: int(1, 100_000).default(4_000),
  FEEDBACK_FOLLOWUP_VALENCE: num(-1, 1).default(0.4),
  TRAINING_CONSENT_VERSION: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,32}$/, 'letters, digits and . _ - (at most 32)')
    .default('1'),
  /** A JSON file of endpoints, routes, policy and experiments (docs/model-loop.md). */
  ROUTING_CONFIG_FILE: z.string().min(1).optional(),

  REPLY_LEASE_MS: int(500, 600_000).default(15_000),
  REPLY_MAX_ATTEMPTS: int(1, 10).default(3),
  SHUTDOWN_GRACE_MS: int(0, 600_000).default(25_000),

  ANALYTICS_TIME_ZONE: z
    .string()
    .refine(
      (v) => validTimeZone(v) !== undefined,
      'must be an IANA time zone such as Asia/Shanghai',
    )
    .default('Asia/Shanghai'),
  ANALYTICS_SESSION_GAP_MIN: int(1, 24 * 60).default(30),
  ANALYTICS_PSEUDONYM_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  ANALYTICS_EXCLUDE_USERS: z
    .string()
    .max(500)
    .refine((v) => v === 'none' || compiles(v), 'must be a regular expression, or none')
    .default('^(test|internal|qa)[-_:.]'),
  ANALYTICS_EXPORT_DIR: z.string().optional(),
  ANALYTICS_EXPORT_FORMATS: list
    .pipe(z.array(z.enum(['csv', 'jsonl', 'parquet'])).min(1))
    .default(['csv', 'parquet']),
  ANALYTICS_NIGHTLY_HOUR: int(0, 23).default(4),
  ANALYTICS_ROLLUP_DELAY_MS: int(0, 86_400_000).default(600_000),
  ANALYTICS_COHORT_EVENT: z.enum(['message', 'voice_message']).default('message'),
  ANALYTICS_RETURN_EVENT: z.enum(['message', 'voice_message']).default('message'),
  ANALYTICS_LATE_NIGHT_START_HOUR: int(0, 23).default(22),
  ANALYTICS_LATE_NIGHT_END_HOUR: int(0, 23).default(6),
  ANALYTICS_MAX_RANGE_DAYS: int(1, 3660).default(400),
});

export type Env = z.infer<typeof envSchema>;
