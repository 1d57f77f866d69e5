import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { ClaimRead } from '../conversation/message.repository.js';
import { Metrics } from '../observability/metrics.js';
import { ForgetService, type Forgotten } from './forget.service.js';
import { RecallService } from './recall/recall.service.js';
import type { RecallItem } from './recall/recall.types.js';

export interface TurnMemory {
  items: RecallItem[];
  tokens: number;
  forgotten: Forgotten | null;
}

/** What a reply needs from long-term memory, and what each turn gives it. */
@Injectable()
export class MemoryService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly forgets: ForgetService,
    private readonly recallService: RecallService,
    private readonly metrics: Metrics,
  ) {}

  /** The memories' read for the reply claim to carry; null when memory is off. */
  claimRead(): ClaimRead | null {
    return this.config.memory.enabled ? this.recallService.claimRead() : null;
  }

  /**
   * For the message a reply answers: first a "forget that" in it is carried out (ForgetService),
   * then the memories and past turns that matter are recalled (never the turns already in the
   * prompt).
   */
  async forTurn(input: {
    userId: string;
    conversationId: string;
    message: { id: string; seq: number; content: string; createdAt: Date };
    /** The reply being written (a forget in the message takes it out of memory too). */
    replyId: string;
    historyFromSeq: number;
    affect: { valence: number; arousal: number } | null;
    /** The user's IANA zone: "yesterday" is their yesterday (UTC when unknown). */
    timeZone?: string | null;
    /** False when every turn of the user is in the prompt already: only memories are searched. */
    searchTurns?: boolean;
    /** What `claimRead` found, when the reply claim carried it. */
    memories?: unknown;
  }): Promise<TurnMemory> {
    if (!this.config.memory.enabled) return { items: [], tokens: 0, forgotten: null };
    const forgotten = await this.forgets.carryOut(
      input.userId,
      input.conversationId,
      input.message,
      input.replyId,
    );
    // A reply that confirms a forget recalls nothing: the request's words are what to let go.
    if (forgotten?.forgetId) return { items: [], tokens: 0, forgotten };
    const started = performance.now();
    const result = await this.recallService.recall({
      userId: input.userId,
      query: {
        text: input.message.content,
        at: input.message.createdAt,
        affect: input.affect,
        timeZone: input.timeZone ?? null,
      },
      speakers: { user: 'User', assistant: this.config.prompt.companionName },
      exclude: { conversationId: input.conversationId, fromSeq: input.historyFromSeq },
      turns: input.searchTurns ?? true,
      // A forget carried out just now changed the memories: they are read again.
      ...(forgotten === null ? { memories: input.memories } : {}),
    });
    this.metrics.recallDuration.observe((performance.now() - started) / 1000);
    return { items: result.selected, tokens: result.selectedTokens, forgotten };
  }
}
