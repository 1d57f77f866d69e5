import type { TurnAffectResult } from '../affect/affect.service.js';
import type { StageName, Turn } from './turn.js';

/**
 * Everything that shaped one reply, kept so that anyone can answer "why did it reply that?".
 * History messages are referenced by id (their text stays in the messages table, and goes
 * when the user deletes it); the rendered system prompt and note are kept as sent.
 */
export interface TurnTrace {
  version: 2;
  turnId: string;
  replyId: string;
  userId: string;
  conversationId: string;
  answering: string;
  /** Every user message the reply answered. */
  answered: string[];
  status: string;
  errorCode: string | null;
  /** The required stage that ended the turn, when one did. */
  failedStage: StageName | null;
  /** Optional stages that failed; the turn went on without them. */
  degraded: Array<{ stage: StageName; error: string }>;
  model: string;
  route: { reason: string; promptSet: string } | null;
  sampling: {
    temperature: number;
    topP: number;
    topK: number;
    presencePenalty: number;
    maxTokens: number;
  };
  promptVersion: string;
  affect: Omit<TurnAffectResult, 'vocal'> | null;
  risk: { level: string; categories: string[] } | null;
  /** Memories and past turns recalled for the prompt (long-term memory). */
  recalled: Array<{ id: string; kind: string; text: string; score: number }>;
  prompt: {
    system: string;
    summary: string | null;
    note: string | null;
    history: Array<{ id: string; role: 'user' | 'assistant' }>;
    tokens: number;
    droppedTurns: number;
  };
  timings: {
    /** Milliseconds of each stage. */
    stages: Partial<Record<StageName, number>>;
    /** From the claim of the reply slot to the model request. */
    promptMs: number | null;
    ttftMs: number | null;
    totalMs: number;
    ingestToUpstreamMs: number | null;
  };
  usage: { promptTokens: number | null; completionTokens: number | null };
}

/** The configured model and sampling, for turns that ended before a route was chosen. */
export interface TraceDefaults {
  model: string;
  promptVersion: string;
  sampling: TurnTrace['sampling'];
}

/** The trace of a finished turn: a pure function of the turn value and its stored reply. */
export function buildTrace(
  turn: Turn,
  stored: {
    status: string;
    errorCode: string | null;
    model: string | null;
    promptVersion: string | null;
    ttftMs: number | null;
    totalMs: number | null;
    promptTokens: number | null;
    completionTokens: number | null;
  },
  defaults: TraceDefaults,
): TurnTrace {
  const { route, prompt, recall, output } = turn;
  const settings = route?.settings;
  const degraded = [...turn.degraded];
  if (recall?.memoryError) degraded.push({ stage: 'recall', error: recall.memoryError });
  const affect = turn.affect ?? null;
  return {
    version: 2,
    turnId: turn.turnId,
    replyId: turn.reply.id,
    userId: turn.user.id,
    conversationId: turn.conversationId,
    answering: turn.answering.id,
    answered: turn.answered.map((m) => m.id),
    status: stored.status,
    errorCode: stored.errorCode,
    failedStage: turn.failed?.stage ?? null,
    degraded,
    model: stored.model ?? settings?.model ?? defaults.model,
    route: route ? { reason: route.reason, promptSet: route.promptSet } : null,
    sampling: settings
      ? { ...settings.sampling, maxTokens: settings.maxTokens }
      : defaults.sampling,
    promptVersion: stored.promptVersion ?? defaults.promptVersion,
    affect: affect
      ? {
          affect: affect.affect,
          textEmotion: affect.textEmotion,
          mood: affect.mood,
          userMood: affect.userMood,
          lang: affect.lang,
          cue: affect.cue,
        }
      : null,
    risk: turn.risk ? { level: turn.risk.level, categories: turn.risk.categories } : null,
    recalled:
      recall?.memories.map((i) => ({ id: i.key, kind: i.kind, text: i.text, score: i.score })) ??
      [],
    prompt: {
      system: prompt?.system ?? '',
      summary: prompt?.summary ?? null,
      note: prompt?.note ?? null,
      history: prompt?.kept ?? [],
      tokens: prompt?.tokens ?? 0,
      droppedTurns: prompt?.dropped ?? 0,
    },
    timings: {
      stages: turn.timings,
      promptMs: output?.upstreamAt ? output.upstreamAt - turn.startedAt : null,
      ttftMs: stored.ttftMs,
      totalMs: stored.totalMs ?? 0,
      ingestToUpstreamMs:
        turn.receivedAt && output?.upstreamAt ? output.upstreamAt - turn.receivedAt : null,
    },
    usage: { promptTokens: stored.promptTokens, completionTokens: stored.completionTokens },
  };
}
