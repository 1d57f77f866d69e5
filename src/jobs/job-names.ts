/** Every queue and job of the service, in one place. */
export const QUEUE = 'companion';

export enum JobName {
  /** Recounts a conversation and gives it a title after its replies. */
  ConversationRollup = 'conversation.rollup',
}

export interface JobPayloads {
  [JobName.ConversationRollup]: { conversationId: string };
}

export interface JobOptions {
  /** De-duplicates: while a job with this id waits, adding another is a no-op. No ':' allowed. */
  jobId?: string;
  delayMs?: number;
  attempts?: number;
}

export const DEFAULT_ATTEMPTS = 3;
