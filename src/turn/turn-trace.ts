import { FORGOTTEN } from '../common/forgotten.js';
import type { TurnAffectResult } from '../affect/affect.service.js';
import type { StageName, Turn, TurnRecall } from './turn.js';

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
  /** How the turn was routed (docs/model-loop.md); its reactions are keyed by `replyId`. */
  route: {
    reason: string;
    promptSet: string;
    route?: string;
    endpoint?: string;
    fallbackFrom?: string;
    experiment?: string;
    variant?: string;
  } | null;
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
    route: route
      ? {
          reason: route.reason,
          promptSet: route.promptSet,
          route: (turn.output?.servedBy ?? settings)?.route,
          endpoint: (turn.output?.servedBy ?? settings)?.endpoint,
          ...(turn.output?.servedBy ? { fallbackFrom: settings!.route } : {}),
          ...(route.movedFrom ? { fallbackFrom: route.movedFrom } : {}),
          ...(route.experiment && !turn.output?.servedBy
            ? { experiment: route.experiment.key, variant: route.experiment.variant }
            : {}),
        }
      : null,
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
      note: withoutTopic(prompt?.note ?? null, recall?.forgotten),
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

/** The note of the turn that carried out a forget, without the words the user named. */
function withoutTopic(note: string | null, forgotten: TurnRecall['forgotten'] | undefined) {
  const topic = forgotten?.forgetId ? forgotten.topic?.trim() : null;
  return note && topic ? note.split(topic).join(FORGOTTEN) : note;
}

/** What a forget took out, as trace scrubbing needs it (src/memory/forget.service.ts). */
export interface ForgottenCopies {
  /** Memories deleted. */
  memoryIds: readonly string[];
  /** The messages taken out of memory: where they were and when. */
  messages: ReadonlyArray<{ conversationId: string; seq: number; createdAt: Date }>;
  /** The words the user named (a topic forget). */
  topic: string | null;
}

/**
 * A trace without the copies a forget took out: recalled memories it deleted, recalled past
 * turns that held forgotten messages, the summary of a conversation whose messages were
 * forgotten (written after the first of them), and those texts where the note carried them. Null
 * when nothing in it changes.
 */
export function scrubTrace(
  trace: TurnTrace,
  createdAt: Date,
  forgotten: ForgottenCopies,
): TurnTrace | null {
  const memoryIds = new Set(forgotten.memoryIds);
  const inConversation = forgotten.messages.filter(
    (m) => m.conversationId === trace.conversationId,
  );
  const gone = new Set<string>();
  const recalled = trace.recalled.map((item) => {
    if (item.text === FORGOTTEN || !holdsForgotten(item.id, memoryIds, forgotten.messages)) {
      return item;
    }
    gone.add(item.text);
    return { ...item, text: FORGOTTEN };
  });
  const summaryGone =
    trace.prompt.summary !== null &&
    trace.prompt.summary !== FORGOTTEN &&
    inConversation.some((m) => m.createdAt.getTime() <= createdAt.getTime());
  let note = trace.prompt.note;
  if (note !== null && note !== FORGOTTEN) {
    for (const text of gone) {
      note = note.includes(text) ? note.split(text).join(FORGOTTEN) : FORGOTTEN;
      if (note === FORGOTTEN) break;
    }
    const topic = forgotten.topic?.trim();
    if (topic && note !== FORGOTTEN && note.includes(topic))
      note = note.split(topic).join(FORGOTTEN);
  }
  if (gone.size === 0 && !summaryGone && note === trace.prompt.note) return null;
  return {
    ...trace,
    recalled,
    prompt: {
      ...trace.prompt,
      summary: summaryGone ? FORGOTTEN : trace.prompt.summary,
      note,
    },
  };
}

/** Whether a recalled item (`memory:<id>` or `turns:<conversation>:<from>-<to>`) held them. */
function holdsForgotten(
  key: string,
  memoryIds: ReadonlySet<string>,
  messages: ForgottenCopies['messages'],
): boolean {
  if (key.startsWith('memory:')) return memoryIds.has(key.slice('memory:'.length));
  const turns = /^turns:(.+):(\d+)-(\d+)$/.exec(key);
  if (!turns) return false;
  const [, conversationId, from, to] = turns;
  return messages.some(
    (m) => m.conversationId === conversationId && m.seq >= Number(from) && m.seq <= Number(to),
  );
}
