import { resolve } from 'node:path';
import { z } from 'zod';
import { validTimeZone } from '../common/time-zone.js';
import type { CrisisResourceTable } from '../safety/crisis-resources.js';
import { DEFAULT_NOTICE_POLICY, type NoticePolicyTable } from '../safety/notice-policy.js';
import { readRoutingFile, type RoutingFile } from '../routing/routing-config.js';
import { envSchema, type Env } from './config.schema.js';

/**
 * What this process does (one image, three roles): `gateway` serves the socket namespaces and
 * the HTTP APIs and streams turns; `worker` runs queue jobs and sweeps and serves only health and
 * metrics; `all` (the default, and embedded mode) does both.
 */
export type Role = 'all' | 'gateway' | 'worker';

export interface AppConfig {
  env: Env['NODE_ENV'];
  role: Role;
  http: { host: string; port: number };
  logLevel: Env['LOG_LEVEL'];
  dataDir: string;
  /** Postgres: external when a URL is set, else the embedded server under dataDir. */
  database: { url?: string; poolSize: number };
  /** Redis: queues and the socket.io adapter when set, else in-process jobs and adapter. */
  redis: { url?: string; prefix: string };
  auth: {
    /** HS256 secret or RS256 public key; absent only in embedded development (a local secret). */
    secret?: string;
    publicKey?: string;
    issuer?: string;
    audience?: string;
    /** The longest life a token may have (exp - iat); tokens without exp are refused. */
    maxLifetimeSec: number;
    operatorRole: string;
  };
  moderation: {
    /** How long a claim on a flag holds (MODERATION_CLAIM_MIN). */
    claimMinutes: number;
    /** How often each process reads the admin rules again (MODERATION_RULES_REFRESH_MS). */
    rulesRefreshMs: number;
    /** Withheld replies in the window that raise a `repeated_refusals` flag. */
    refusalsFlagAt: number;
    refusalsWindowHours: number;
  };
  /** The time zone of users whose app and token name none. */
  defaultTimeZone: string;
  llm: {
    baseUrl?: string;
    apiKey?: string;
    model: string;
    enableThinking: boolean;
    sampling: { temperature: number; topP: number; topK: number; presencePenalty: number };
    maxTokens: number;
    firstTokenTimeoutMs: number;
    totalTimeoutMs: number;
    retries: number;
    maxConcurrent: number;
    maxWaiting: number;
    busyRetryAfterMs: number;
  };
  whisper: {
    baseUrl?: string;
    apiKey?: string;
    model: string;
    timeoutMs: number;
    retries: number;
    wordTimestamps: boolean;
    /** Transcription requests this pod runs at once, and may queue behind them. */
    maxConcurrent: number;
    maxWaiting: number;
  };
  /** The optional text-emotion model; without a URL the in-process lexicon is used. */
  affect: {
    modelBaseUrl?: string;
    modelApiKey?: string;
    model: string;
    modelTimeoutMs: number;
    promptSet: string;
  };
  memory: {
    enabled: boolean;
    /** The model for extraction and summaries; the chat model's endpoint and name by default. */
    baseUrl?: string;
    apiKey?: string;
    model?: string;
    timeoutMs: number;
    extractionDelayMs: number;
    batchMessages: number;
    budgetTokens: number;
    promptSet: string;
    /** Messages a long conversation keeps verbatim; older ones are summarised. */
    summaryKeepMessages: number;
  };
  /**
   * An OpenAI-compatible embeddings endpoint (vLLM serving an embedding model): when set, recall
   * adds a semantic score; without it recall is lexical only.
   */
  embeddings: {
    baseUrl?: string;
    apiKey?: string;
    model: string;
    /** The wait for the current message's vector on the reply's path; then recall goes on without. */
    queryTimeoutMs: number;
    /** Background embedding of turns and memories. */
    batchTimeoutMs: number;
  };
  /** Safety on every turn (docs/safety.md). */
  safety: {
    /** An optional guard model (Qwen3Guard-Gen on vLLM) that may raise a turn's risk. */
    guard: { baseUrl?: string; apiKey?: string; model: string; timeoutMs: number };
    /** Templates of the crisis protocol, withheld-output line and notices. */
    promptSet: string;
    /** The prompt set for conversations at elevated risk. */
    carePromptSet: string;
    jurisdiction: string;
    sessionIdleMs: number;
    noticePolicy: NoticePolicyTable;
    crisisResources: CrisisResourceTable;
  };
  voice: {
    maxDurationSec: number;
    maxBytes: number;
    chunkMaxBytes: number;
    uploadIdleMs: number;
    uploadsPerUser: number;
    pendingBytesPerPod: number;
    decodeTimeoutMs: number;
    retentionDays: number;
    processingLeaseMs: number;
    /** Worker threads for prosody analysis; 0 analyses on the main thread (tests, tools). */
    analysisWorkers: number;
    /** Clips that may wait for an analysis worker, and how long one analysis may take. */
    analysisQueue: number;
    analysisTimeoutMs: number;
    /** ffmpeg decodes this pod runs at once, and may queue behind them. */
    decodeConcurrency: number;
    decodeQueue: number;
  };
  prompt: {
    set: string;
    dir: string;
    budgetTokens: number;
    historyMaxMessages: number;
    companionName: string;
  };
  chat: {
    messageMaxChars: number;
    rateLimitPerMinute: number;
    maxPayloadBytes: number;
    allowedOrigins: string[];
    syncPageSize: number;
    replyLeaseMs: number;
    /** Automatic attempts at answering a message whose process died before its reply started. */
    replyMaxAttempts: number;
  };
  /** Retention analytics (docs/analytics.md). */
  analytics: AnalyticsConfig;
  /** Reactions to replies and training consent (docs/model-loop.md). */
  feedback: {
    editMaxChars: number;
    /** A message read at or above this valence counts as a positive answer to the reply before it. */
    followupValence: number;
    /** The version of the consent text users answer now. */
    consentVersion: string;
  };
  /**
   * Endpoints, routes, the routing policy and experiments from ROUTING_CONFIG_FILE; null without
   * one (one endpoint and route from the LLM_* variables: the behaviour without routing).
   */
  routing: RoutingFile | null;
  /** The user's own REST API (/v1/me). */
  userApi: { requestsPerMinute: number; exportsPerHour: number };
  shutdownGraceMs: number;
}

export interface AnalyticsConfig {
  /** Local calendar days of the roll-ups, cohorts and exports. */
  timeZone: string;
  /** A longer gap between two user messages ends a session. */
  sessionGapMs: number;
  /** HMAC-SHA256 key of the pseudonymous user ids in exports; required in production. */
  pseudonymKey?: string;
  /** User ids matching this pattern (test and internal accounts) are left out; null: none. */
  excludeUsers: string | null;
  /** Where the nightly job writes its dated files. */
  exportDir: string;
  exportFormats: Array<'csv' | 'jsonl' | 'parquet'>;
  /** The nightly export runs once a local day, from this hour of the analytics time zone. */
  nightlyHour: number;
  /** How long after a turn its user's day is rolled up again (turns meanwhile share it). */
  rollupDelayMs: number;
  cohortEvent: 'message' | 'voice_message';
  returnEvent: 'message' | 'voice_message';
  /** Late night in the user's own time zone: from startHour until endHour. */
  lateNight: { startHour: number; endHour: number };
  /** The longest date range one request or command may ask for. */
  maxRangeDays: number;
}

function ruleOf(r: { disclosureEveryMin: number; breakAfterMin: number }) {
  return {
    disclosureEveryMs: r.disclosureEveryMin * 60_000,
    breakAfterMs: r.breakAfterMin * 60_000,
  };
}

/** Values copied from an example instead of set: never accepted as a production secret. */
const PLACEHOLDER = /change[_ -]?me|example|placeholder|^(.)\1+$/i;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..').replace(/[/\\]dist$/, '');

/** Reads and validates the environment once; every problem is reported, not just the first. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const input = Object.fromEntries(
    Object.entries(source).filter(([k, v]) => k in envSchema.shape && v !== undefined && v !== ''),
  );
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error));
  const e = parsed.data;

  const problems: string[] = [];
  if (e.JWT_SECRET && e.JWT_PUBLIC_KEY) {
    problems.push(
      'JWT_SECRET and JWT_PUBLIC_KEY: set one (HS256 secret or RS256 public key), not both',
    );
  }
  if (e.NODE_ENV === 'production') {
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'LLM_BASE_URL'] as const) {
      if (!e[name]) problems.push(`${name}: required when NODE_ENV=production`);
    }
    if (!e.JWT_SECRET && !e.JWT_PUBLIC_KEY) {
      problems.push('JWT_SECRET or JWT_PUBLIC_KEY: one is required when NODE_ENV=production');
    }
    if (!e.ANALYTICS_PSEUDONYM_KEY) {
      problems.push(
        'ANALYTICS_PSEUDONYM_KEY: required when NODE_ENV=production (pseudonymous ids in exports)',
      );
    } else if (PLACEHOLDER.test(e.ANALYTICS_PSEUDONYM_KEY)) {
      problems.push('ANALYTICS_PSEUDONYM_KEY: is the example placeholder; set a real random key');
    }
    if (e.JWT_SECRET && PLACEHOLDER.test(e.JWT_SECRET)) {
      problems.push('JWT_SECRET: is the example placeholder; set a real random secret');
    }
    for (const name of ['JWT_ISSUER', 'JWT_AUDIENCE'] as const) {
      if (!e[name]) {
        problems.push(
          `${name}: required when NODE_ENV=production (a token of another service is refused)`,
        );
      }
    }
  }
  if (e.ROLE !== 'all') {
    // Split roles share work through Postgres and Redis: queued jobs and emits cross processes.
    for (const name of ['DATABASE_URL', 'REDIS_URL'] as const) {
      if (!e[name])
        problems.push(`${name}: required when ROLE=${e.ROLE} (only ROLE=all runs alone)`);
    }
  }
  if (e.LLM_FIRST_TOKEN_TIMEOUT_MS > e.LLM_TOTAL_TIMEOUT_MS) {
    problems.push('LLM_FIRST_TOKEN_TIMEOUT_MS: must not exceed LLM_TOTAL_TIMEOUT_MS');
  }
  if (e.VOICE_CHUNK_MAX_BYTES > e.WS_MAX_PAYLOAD_BYTES) {
    problems.push(
      'VOICE_CHUNK_MAX_BYTES: must not exceed WS_MAX_PAYLOAD_BYTES (a chunk is one frame)',
    );
  }
  if (e.PROMPT_BUDGET_TOKENS <= e.LLM_MAX_TOKENS / 4) {
    problems.push('PROMPT_BUDGET_TOKENS: too small for the history next to LLM_MAX_TOKENS');
  }
  let routing: RoutingFile | null = null;
  if (e.ROUTING_CONFIG_FILE) {
    const read = readRoutingFile(resolve(e.ROUTING_CONFIG_FILE));
    if ('problems' in read) problems.push(...read.problems.map((p) => `ROUTING_CONFIG_FILE: ${p}`));
    else routing = read.file;
  }
  if (problems.length) throw new ConfigError(problems);

  return {
    env: e.NODE_ENV,
    role: e.ROLE,
    defaultTimeZone: validTimeZone(e.DEFAULT_TIME_ZONE) ?? 'UTC',
    http: { host: e.HOST, port: e.PORT },
    logLevel: e.LOG_LEVEL,
    dataDir: resolve(e.DATA_DIR),
    database: { url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE },
    redis: { url: e.REDIS_URL, prefix: e.REDIS_PREFIX },
    auth: {
      secret: e.JWT_SECRET,
      publicKey: e.JWT_PUBLIC_KEY?.replace(/\\n/g, '\n'),
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      maxLifetimeSec: e.JWT_MAX_LIFETIME_SEC,
      operatorRole: e.OPERATOR_ROLE,
    },
    moderation: {
      claimMinutes: e.MODERATION_CLAIM_MIN,
      rulesRefreshMs: e.MODERATION_RULES_REFRESH_MS,
      refusalsFlagAt: e.MODERATION_REFUSALS_FLAG_AT,
      refusalsWindowHours: e.MODERATION_REFUSALS_WINDOW_H,
    },
    llm: {
      baseUrl: e.LLM_BASE_URL,
      apiKey: e.LLM_API_KEY,
      model: e.LLM_MODEL,
      enableThinking: e.LLM_ENABLE_THINKING,
      sampling: {
        temperature: e.LLM_TEMPERATURE,
        topP: e.LLM_TOP_P,
        topK: e.LLM_TOP_K,
        presencePenalty: e.LLM_PRESENCE_PENALTY,
      },
      maxTokens: e.LLM_MAX_TOKENS,
      firstTokenTimeoutMs: e.LLM_FIRST_TOKEN_TIMEOUT_MS,
      totalTimeoutMs: e.LLM_TOTAL_TIMEOUT_MS,
      retries: e.LLM_RETRIES,
      maxConcurrent: e.LLM_MAX_CONCURRENT,
      maxWaiting: e.LLM_MAX_WAITING,
      busyRetryAfterMs: e.LLM_BUSY_RETRY_AFTER_MS,
    },
    whisper: {
      baseUrl: e.WHISPER_BASE_URL,
      apiKey: e.WHISPER_API_KEY,
      model: e.WHISPER_MODEL,
      timeoutMs: e.WHISPER_TIMEOUT_MS,
      retries: e.WHISPER_RETRIES,
      wordTimestamps: e.WHISPER_WORD_TIMESTAMPS,
      maxConcurrent: e.WHISPER_MAX_CONCURRENT,
      maxWaiting: e.WHISPER_MAX_WAITING,
    },
    affect: {
      modelBaseUrl: e.AFFECT_MODEL_BASE_URL,
      modelApiKey: e.AFFECT_MODEL_API_KEY,
      model: e.AFFECT_MODEL,
      modelTimeoutMs: e.AFFECT_MODEL_TIMEOUT_MS,
      promptSet: e.AFFECT_PROMPT_SET,
    },
    memory: {
      enabled: e.MEMORY_ENABLED,
      baseUrl: e.MEMORY_BASE_URL,
      apiKey: e.MEMORY_API_KEY,
      model: e.MEMORY_MODEL,
      timeoutMs: e.MEMORY_TIMEOUT_MS,
      extractionDelayMs: e.MEMORY_EXTRACTION_DELAY_MS,
      batchMessages: e.MEMORY_BATCH_MESSAGES,
      budgetTokens: e.MEMORY_BUDGET_TOKENS,
      promptSet: e.MEMORY_PROMPT_SET,
      summaryKeepMessages: e.SUMMARY_KEEP_MESSAGES,
    },
    embeddings: {
      baseUrl: e.EMBEDDINGS_BASE_URL,
      apiKey: e.EMBEDDINGS_API_KEY,
      model: e.EMBEDDINGS_MODEL,
      queryTimeoutMs: e.EMBEDDINGS_QUERY_TIMEOUT_MS,
      batchTimeoutMs: e.EMBEDDINGS_BATCH_TIMEOUT_MS,
    },
    safety: {
      guard: {
        baseUrl: e.SAFETY_BASE_URL,
        apiKey: e.SAFETY_API_KEY,
        model: e.SAFETY_MODEL,
        timeoutMs: e.SAFETY_TIMEOUT_MS,
      },
      promptSet: e.SAFETY_PROMPT_SET,
      carePromptSet: e.SAFETY_CARE_PROMPT_SET,
      jurisdiction: e.SAFETY_JURISDICTION,
      sessionIdleMs: e.SAFETY_SESSION_IDLE_MIN * 60_000,
      noticePolicy: e.SAFETY_NOTICE_POLICY
        ? Object.fromEntries(
            Object.entries(e.SAFETY_NOTICE_POLICY).map(([j, bands]) => [
              j,
              {
                adult: ruleOf(bands.adult),
                minor: ruleOf(bands.minor),
              },
            ]),
          )
        : DEFAULT_NOTICE_POLICY,
      crisisResources: e.CRISIS_RESOURCES ?? {},
    },
    voice: {
      maxDurationSec: e.VOICE_MAX_DURATION_SEC,
      maxBytes: e.VOICE_MAX_BYTES,
      chunkMaxBytes: e.VOICE_CHUNK_MAX_BYTES,
      uploadIdleMs: e.VOICE_UPLOAD_IDLE_MS,
      uploadsPerUser: e.VOICE_UPLOADS_PER_USER,
      pendingBytesPerPod: e.VOICE_PENDING_BYTES_PER_POD,
      decodeTimeoutMs: e.VOICE_DECODE_TIMEOUT_MS,
      retentionDays: e.VOICE_RETENTION_DAYS,
      processingLeaseMs: e.VOICE_PROCESSING_LEASE_MS,
      analysisWorkers: e.VOICE_ANALYSIS_WORKERS,
      analysisQueue: e.VOICE_ANALYSIS_QUEUE,
      analysisTimeoutMs: e.VOICE_ANALYSIS_TIMEOUT_MS,
      decodeConcurrency: e.VOICE_DECODE_CONCURRENCY,
      decodeQueue: e.VOICE_DECODE_QUEUE,
    },
    prompt: {
      set: e.PROMPT_SET,
      dir: resolve(PROJECT_ROOT, 'prompts'),
      budgetTokens: e.PROMPT_BUDGET_TOKENS,
      historyMaxMessages: e.PROMPT_HISTORY_MAX_MESSAGES,
      companionName: e.COMPANION_NAME,
    },
    analytics: {
      timeZone: validTimeZone(e.ANALYTICS_TIME_ZONE) ?? 'Asia/Shanghai',
      sessionGapMs: e.ANALYTICS_SESSION_GAP_MIN * 60_000,
      pseudonymKey: e.ANALYTICS_PSEUDONYM_KEY,
      excludeUsers: e.ANALYTICS_EXCLUDE_USERS === 'none' ? null : e.ANALYTICS_EXCLUDE_USERS,
      exportDir: resolve(e.ANALYTICS_EXPORT_DIR ?? resolve(e.DATA_DIR, 'analytics')),
      exportFormats: e.ANALYTICS_EXPORT_FORMATS,
      nightlyHour: e.ANALYTICS_NIGHTLY_HOUR,
      rollupDelayMs: e.ANALYTICS_ROLLUP_DELAY_MS,
      cohortEvent: e.ANALYTICS_COHORT_EVENT,
      returnEvent: e.ANALYTICS_RETURN_EVENT,
      lateNight: {
        startHour: e.ANALYTICS_LATE_NIGHT_START_HOUR,
        endHour: e.ANALYTICS_LATE_NIGHT_END_HOUR,
      },
      maxRangeDays: e.ANALYTICS_MAX_RANGE_DAYS,
    },
    feedback: {
      editMaxChars: e.FEEDBACK_EDIT_MAX_CHARS,
      followupValence: e.FEEDBACK_FOLLOWUP_VALENCE,
      consentVersion: e.TRAINING_CONSENT_VERSION,
    },
    routing,
    userApi: {
      requestsPerMinute: e.USER_API_RATE_LIMIT_PER_MINUTE,
      exportsPerHour: e.USER_EXPORTS_PER_HOUR,
    },
    chat: {
      messageMaxChars: e.MESSAGE_MAX_CHARS,
      rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
      maxPayloadBytes: e.WS_MAX_PAYLOAD_BYTES,
      allowedOrigins: e.WS_ALLOWED_ORIGINS,
      syncPageSize: e.SYNC_PAGE_SIZE,
      replyLeaseMs: e.REPLY_LEASE_MS,
      replyMaxAttempts: e.REPLY_MAX_ATTEMPTS,
    },
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
  };
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const got =
      issue.code === 'invalid_type' && issue.input === undefined ? 'missing' : issue.message;
    return `${name}: ${got}`;
  });
}

export const APP_CONFIG = Symbol('APP_CONFIG');
