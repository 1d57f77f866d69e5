import type { TurnAffectResult } from '../affect/affect.service.js';

/**
 * Everything that shaped one reply, kept so that anyone can answer "why did it reply that?".
 * History messages are referenced by id (their text stays in the messages table, and goes
 * when the user deletes it); the rendered system prompt and note are kept as sent.
 */
export interface TurnTrace {
  version: 1;
  replyId: string;
  userId: string;
  conversationId: string;
  answering: string;
  status: string;
  errorCode: string | null;
  model: string;
  sampling: {
    temperature: number;
    topP: number;
    topK: number;
    presencePenalty: number;
    maxTokens: number;
  };
  promptVersion: string;
  affect: Omit<TurnAffectResult, 'vocal'> | null;
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
    promptMs: number | null;
    ttftMs: number | null;
    totalMs: number;
    ingestToUpstreamMs: number | null;
  };
  usage: { promptTokens: number | null; completionTokens: number | null };
}
