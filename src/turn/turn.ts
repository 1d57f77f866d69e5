import type { CarriedWrite } from '../database/carried-writes.js';
import type { TurnAffectResult } from '../affect/affect.service.js';
import type { SpectralTilt } from '../affect/spectral-tilt.js';
import type { GenerationSettings, ModelPermit } from '../llm/llm.client.js';
import type { Forgotten } from '../memory/forget.service.js';
import type { RecallItem } from '../memory/recall/recall.types.js';
import type { BuiltPrompt } from '../prompting/prompt.service.js';
import type { RiskLevel } from '../safety/risk/risk-reading.js';
import type { ProsodyFeatures } from '../voice/prosody/index.js';

/**
 * A turn is a value that travels forward through the stages (docs/architecture.md): what it
 * starts from is fixed when the reply slot is claimed, and each stage adds one finding. A stage
 * reads what earlier stages found from here and never loads it again.
 */

/**
 * The stages in their order. `admit` runs before the reply slot is claimed (and not at all for a
 * message the screen reads as a crisis); `safety` runs first after it, so that `protocol` can
 * answer a crisis before anything waits on a model.
 */
export const STAGES = [
  'admit',
  'safety',
  'protocol',
  'affect',
  'recall',
  'route',
  'prompt',
  'generate',
] as const;
export type StageName = (typeof STAGES)[number];

export interface TurnUser {
  id: string;
  /** BCP 47, from the app's handshake when it sent one. */
  locale: string | null;
  /** IANA zone, from the app's handshake when it sent one. */
  timeZone: string | null;
  /** From the token's `age_band` claim; else safety reads the one the app set (profile). */
  ageBand: 'minor' | 'adult' | null;
  /** The token's `tier` claim (`free` without one, and for turns a sweep starts). */
  tier: string;
  /** The app's platform from the handshake (`ios`, `android`, `web`), when it said. */
  platform?: string | null;
}

/** What asked for a turn: a stored user message (text, transcript) or a sweep. */
export interface TurnRequest {
  conversationId: string;
  userId: string;
  /** The correlation id of every log line of the turn; made when the request was received. */
  turnId: string;
  user?: Pick<TurnUser, 'locale' | 'timeZone'> &
    Partial<Pick<TurnUser, 'ageBand' | 'tier' | 'platform'>>;
  /**
   * The message's text when the caller has it (a typed message, a transcript): screened for a
   * crisis before the turn waits for a place at the model.
   */
  text?: string;
  /** When the message that asked for it was received (for receipt-to-model timing). */
  receivedAt?: number;
  /**
   * When that message was stored (its insert, with the commit, returned): splits receipt to model
   * request into the part before the message was safe and the part after.
   */
  storedAt?: number;
  /** What the voice analysis of a message just measured (saves reading it back). */
  voice?: VoiceFindings | null;
  why: 'message' | 'transcript' | 'resend' | 'follow-up' | 'sweep' | 'regenerate';
  /** End the turn with this coded outcome instead of answering (a sweep that gives up). */
  refuse?: { code: string; message: string };
}

/** The user message a reply answers. */
export interface AnsweredMessage {
  id: string;
  seq: number;
  kind: 'text' | 'voice';
  /** The typed text or the transcript. */
  content: string;
  contentTokens: number | null;
  clientMsgId: string | null;
  createdAt: Date;
}

/** What voice analysis measured for a voice message, and the transcript's language. */
export interface VoiceFindings {
  messageId: string;
  prosody: ProsodyFeatures;
  spectral: SpectralTilt | null;
  language: string | null;
}

/** What the turn starts from once its reply slot is claimed. */
export interface TurnStart {
  turnId: string;
  user: TurnUser;
  conversationId: string;
  /** The reply row claimed for this turn (`streaming` until finish). */
  reply: { id: string; seq: number };
  /** The latest user message answered. */
  answering: AnsweredMessage;
  /** Every user message the reply answers, oldest first (several when they came in a burst). */
  answered: Array<{ id: string; kind: 'text' | 'voice' }>;
  /** Measurements of the voice messages answered, where there are any. */
  voice: VoiceFindings[];
  /** What the conversation holds for the prompt, read with the claim under its lock. */
  conversation: {
    summary: string | null;
    /** Recent turns before the reply, oldest first; the last is `answering`. */
    history: Array<{
      id: string;
      seq: number;
      role: 'user' | 'assistant';
      content: string;
      tokens: number | null;
    }>;
    /** The user said things the prompt does not carry, for recall to search. */
    olderTurns: boolean;
  };
  /**
   * The stages' own state, read by the claim's statement (ClaimReads) so that a stage needs no
   * round trip of its own; each stage's module parses what it wrote. Absent: the stage reads.
   */
  reads: Partial<Record<StageName, unknown>>;
  receivedAt: number | null;
  storedAt: number | null;
  startedAt: number;
  why: TurnRequest['why'];
  /** Aborted when the user cancels or the process drains. */
  signal: AbortSignal;
}

/** The safety stage's reading of the user's message, and what it means for this turn. */
export interface Risk {
  /** This message's level: the in-process detector's, raised by the guard model's. */
  level: RiskLevel;
  categories: string[];
  /** What the detectors found: stable codes, never the user's text. */
  evidence: Array<{ code: string; category: string; weight: number }>;
  /** The guard model's answer, when one came within its budget. */
  guard: { safety: string; categories: string[] } | null;
  /** The risk built up over the conversation and over the user's days (decaying). */
  conversationLevel: RiskLevel;
  userLevel: RiskLevel;
  /** The crisis protocol answers this turn. */
  crisis: boolean;
  /** The conversation is at elevated risk: its replies use the care prompt set. */
  care: boolean;
  /** Minors mode: stricter output check, no romance, the minors' break policy. */
  minor: boolean;
  /** The language the protocol and notices speak. */
  lang: 'en' | 'zh';
}

/** Long-term memory and the conversation so far, as the prompt will use them. */
export interface TurnRecall {
  summary: string | null;
  /** The conversation's recent turns before the reply, oldest first (ends with `answering`). */
  history: Array<{
    id: string;
    role: 'user' | 'assistant';
    content: string;
    tokens: number | null;
  }>;
  memories: RecallItem[];
  memoryTokens: number;
  /** A "forget that" in the message, carried out. */
  forgotten: Forgotten | null;
  /** Long-term memory failed (the history is there): why, for the trace. */
  memoryError: string | null;
}

/** Which model (or LoRA adapter) and prompt set serve this turn, and why. */
export interface Route {
  settings: GenerationSettings;
  promptSet: string;
  /** The policy's reason code (docs/model-loop.md), or `care` when the care prompt set serves. */
  reason: string;
  /** Routes to fall back to, in order, when this one fails before its first token. */
  fallbacks: GenerationSettings[];
  /** The route the policy chose before an endpoint's breaker moved it. */
  movedFrom?: string;
  /** The experiment variant served, when the user is assigned one. */
  experiment?: { key: string; variant: string };
}

export type TurnPrompt = BuiltPrompt & {
  /** The history messages the prompt kept, oldest first. */
  kept: Array<{ id: string; role: 'user' | 'assistant' }>;
};

/** How the turn ended: what the user got, and why it stopped when it did not complete. */
export interface TurnOutput {
  status: 'completed' | 'cancelled' | 'failed';
  content: string;
  errorCode: string | null;
  /** The model that answered (as its stream named it), when one did. */
  model: string | null;
  /** The route whose stream served the reply, when a fallback did instead of the route's own. */
  servedBy?: GenerationSettings;
  ttftMs: number | null;
  /** When the model request went out (epoch ms). */
  upstreamAt: number | null;
  usage: { promptTokens: number; completionTokens: number } | null;
  retryAfterMs?: number;
  /** Why it did not complete, for the logs (never shown to the user). */
  failure?: string;
  /** Who wrote it: the model (default), or the crisis protocol. */
  source?: 'model' | 'protocol';
  /** The template set that wrote it, when not the prompt's (the protocol's). */
  version?: string;
  /** The output check withheld a sentence (and the rest): its category and code. */
  withheld?: { category: string; code: string } | null;
}

/** What the stages add, each under its own name. */
export interface TurnFindings {
  permit: ModelPermit;
  affect: TurnAffectResult | null;
  risk: Risk;
  recall: TurnRecall;
  route: Route;
  prompt: TurnPrompt;
  output: TurnOutput;
}

export interface Turn extends TurnStart, Partial<TurnFindings> {
  /** Optional stages that failed: the turn went on without what they would have added. */
  degraded: Array<{ stage: StageName; error: string }>;
  /** A required stage that failed and ended the turn. */
  failed: { stage: StageName; code: string; error: string } | null;
  /** Milliseconds each stage took. */
  timings: Partial<Record<StageName, number>>;
  /**
   * Writes stages leave for the finish to carry in its own statement (the safety state and
   * notices, affect's reading and moods): they land with the reply, before the conversation's
   * next turn can start.
   */
  carried?: CarriedWrite[];
}

/** Why a turn's signal was aborted: the user cancelled, or the process is draining. */
export class TurnStopped extends Error {
  constructor(readonly by: 'user' | 'shutdown') {
    super(by === 'user' ? 'cancelled by the user' : 'server shutting down');
    this.name = 'TurnStopped';
  }
}
