import type { SpectralTilt } from '../affect/spectral-tilt.js';
import type { ProsodyFeatures } from '../voice/prosody/index.js';

/** Every queue, job and event of the service, in one place. */
export const QUEUE = 'companion';

export enum JobName {
  /**
   * Recounts and titles one conversation. No turn queues it any more (the statements that store
   * a conversation's messages keep its count and title); it runs the jobs that gateways of the
   * version before queued during a rolling upgrade, whose messages were stored uncounted.
   */
  ConversationRollup = 'conversation.rollup',
  /** Deletes the audio of voice clips past their retention (transcript and features stay). */
  VoiceClipExpiry = 'voice.clip-expiry',
  /** Deletes everything stored about a user who asked (DELETE /v1/me). */
  AccountDeletion = 'account.delete',
  /** Folds a voice clip into its user's voice baseline, after the turn was judged. */
  VoiceBaselineUpdate = 'affect.voice-baseline',
  /** Reads a user's new turns and updates their long-term memories. */
  MemoryExtraction = 'memory.extract',
  /** Folds the older turns of a long conversation into its rolling summary. */
  ConversationSummary = 'conversation.summary',
  /** After a forget: summaries written again without what it took out, traces scrubbed. */
  MemoryForgetFollowUp = 'memory.forget-follow-up',
  /** Every 10 minutes: erases forgets' saved memories past undo, runs late follow-ups. */
  MemoryForgetSweep = 'memory.forget-sweep',
  /** Rolls up one user's local day again a while after their turns (analytics). */
  AnalyticsRollupUser = 'analytics.rollup-user',
  /** Every 15 minutes: once a local day, rolls up the last two days and writes the dated exports. */
  AnalyticsNightly = 'analytics.nightly',
}

/** A voice clip's measurements, as the baseline job folds them in. */
export interface VoiceMeasurement {
  messageId: string;
  prosody: ProsodyFeatures;
  spectral: SpectralTilt | null;
}

export interface JobPayloads {
  [JobName.ConversationRollup]: { conversationId: string };
  [JobName.VoiceClipExpiry]: Record<string, never>;
  [JobName.AccountDeletion]: { userId: string };
  [JobName.VoiceBaselineUpdate]: VoiceMeasurement & { userId: string };
  [JobName.MemoryExtraction]: { userId: string };
  [JobName.ConversationSummary]: { conversationId: string };
  [JobName.MemoryForgetFollowUp]: { userId: string; forgetId: string };
  [JobName.MemoryForgetSweep]: Record<string, never>;
  [JobName.AnalyticsRollupUser]: { userId: string; day: string };
  [JobName.AnalyticsNightly]: Record<string, never>;
}

export interface JobOptions {
  /** De-duplicates: while a job with this id waits, adding another is a no-op. No ':' allowed. */
  jobId?: string;
  delayMs?: number;
  attempts?: number;
  /** The wait before the first retry, doubled before each next one (default 500 ms). */
  backoffMs?: number;
  /** The longest wait between two attempts (default: none). */
  maxBackoffMs?: number;
  /**
   * Forget the job once its last attempt failed, so that its jobId can be queued again at once.
   * By default BullMQ keeps failed jobs for inspection, and a kept job holds its jobId.
   */
  removeOnFail?: boolean;
}

export const DEFAULT_ATTEMPTS = 3;
export const DEFAULT_BACKOFF_MS = 500;

/** The wait after failed attempt number `attempt` (1 for the first): exponential, capped. */
export function retryDelayMs(
  options: Pick<JobOptions, 'backoffMs' | 'maxBackoffMs'>,
  attempt: number,
): number {
  const delay = (options.backoffMs ?? DEFAULT_BACKOFF_MS) * 2 ** (attempt - 1);
  return Math.min(delay, options.maxBackoffMs ?? Infinity);
}

/**
 * What happened, for whoever cares: modules subscribe to an event with a job of their own
 * (src/jobs/event-bus.ts), so the publisher never calls them one by one.
 */
export enum EventName {
  /** A turn ended (any outcome) and its reply is stored: published by turn/'s finish stage. */
  TurnCompleted = 'turn.completed',
  /** A voice clip's transcription and analysis are done (whether or not a turn follows). */
  VoiceAnalysed = 'voice.analysed',
}

export interface TurnCompletedEvent {
  turnId: string;
  userId: string;
  conversationId: string;
  replyId: string;
  status: 'completed' | 'cancelled' | 'failed';
  errorCode: string | null;
  /** The user messages the reply answered, oldest first. */
  answered: Array<{ id: string; kind: 'text' | 'voice' }>;
  /** Voice messages answered whose measurements the turn judged against the user's baseline. */
  voice: VoiceMeasurement[];
  /** Turns of the history the prompt had to leave out (the conversation wants a summary). */
  droppedTurns: number;
}

export interface VoiceAnalysedEvent {
  userId: string;
  conversationId: string;
  messageId: string;
  /** Whether the clip's words were heard; if so a turn judges it and says so when it ends. */
  transcribed: boolean;
  /** Null when the analysis failed. */
  measurement: VoiceMeasurement | null;
}

export interface EventPayloads {
  [EventName.TurnCompleted]: TurnCompletedEvent;
  [EventName.VoiceAnalysed]: VoiceAnalysedEvent;
}
