/** Every queue and job of the service, in one place. */
export const QUEUE = 'companion';

export enum JobName {
  /** Recounts a conversation and gives it a title after its replies. */
  ConversationRollup = 'conversation.rollup',
  /** Deletes the audio of voice clips past their retention (transcript and features stay). */
  VoiceClipExpiry = 'voice.clip-expiry',
  /** Folds a voice clip into its user's voice baseline, after the turn was judged. */
  VoiceBaselineUpdate = 'affect.voice-baseline',
  /** Reads a user's new turns and updates their long-term memories. */
  MemoryExtraction = 'memory.extract',
  /** Folds the older turns of a long conversation into its rolling summary. */
  ConversationSummary = 'conversation.summary',
}

export interface JobPayloads {
  [JobName.ConversationRollup]: { conversationId: string };
  [JobName.VoiceClipExpiry]: Record<string, never>;
  [JobName.VoiceBaselineUpdate]: { messageId: string };
  [JobName.MemoryExtraction]: { userId: string };
  [JobName.ConversationSummary]: { conversationId: string };
}

export interface JobOptions {
  /** De-duplicates: while a job with this id waits, adding another is a no-op. No ':' allowed. */
  jobId?: string;
  delayMs?: number;
  attempts?: number;
}

export const DEFAULT_ATTEMPTS = 3;
