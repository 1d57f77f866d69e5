import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MessageRepository } from '../conversation/message.repository.js';
import { Metrics } from '../observability/metrics.js';
import { detectForget, type ForgetIntent } from './forget-intent.js';
import { MemoryRepository } from './memory.repository.js';
import { RecallService } from './recall/recall.service.js';
import type { RecallItem } from './recall/recall.types.js';
import { textTerms } from './recall/text-terms.js';

export interface Forgotten {
  scope: ForgetIntent['scope'];
  topic: string | null;
  /** Memories deleted. */
  memories: number;
  /** Messages no longer recalled or extracted. */
  messages: number;
}

export interface TurnMemory {
  items: RecallItem[];
  tokens: number;
  forgotten: Forgotten | null;
}

/** The most recent messages searched for a topic to forget. */
const FORGET_SCAN = 5000;

/** What a reply needs from long-term memory, and what each turn gives it. */
@Injectable()
export class MemoryService {
  private readonly logger = new Logger(MemoryService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: DataSource,
    private readonly messages: MessageRepository,
    private readonly memories: MemoryRepository,
    private readonly recallService: RecallService,
    private readonly metrics: Metrics,
  ) {}

  /**
   * For the message a reply answers: first a "forget that" in it is carried out, then the
   * memories and past turns that matter are recalled (never the turns already in the prompt).
   */
  async forTurn(input: {
    userId: string;
    conversationId: string;
    message: { id: string; seq: number; content: string; createdAt: Date };
    historyFromSeq: number;
    affect: { valence: number; arousal: number } | null;
    /** The user's IANA zone: "yesterday" is their yesterday (UTC when unknown). */
    timeZone?: string | null;
    /** False when every turn of the user is in the prompt already: only memories are searched. */
    searchTurns?: boolean;
  }): Promise<TurnMemory> {
    if (!this.config.memory.enabled) return { items: [], tokens: 0, forgotten: null };
    const forgotten = await this.forget(input.userId, input.conversationId, input.message);
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
    });
    this.metrics.recallDuration.observe((performance.now() - started) / 1000);
    return { items: result.selected, tokens: result.selectedTokens, forgotten };
  }

  /** "Forget that" / "forget what I said about X" / "忘掉…": carried out before the reply. */
  async forget(
    userId: string,
    conversationId: string,
    message: { id: string; seq: number; content: string },
  ): Promise<Forgotten | null> {
    const intent = detectForget(message.content);
    // An ambiguous request deletes nothing.
    if (!intent || intent.scope === 'unclear') return null;
    const messageIds = [message.id];
    let memories = 0;
    if (intent.scope === 'last') {
      messageIds.push(
        ...(await this.messages.previousExchange(userId, conversationId, message.seq)),
      );
    } else {
      const terms = new Set(textTerms(intent.topic));
      if (terms.size > 0) {
        const about = (text: string) => {
          const words = new Set(textTerms(text));
          return [...terms].every((t) => words.has(t));
        };
        const said = await this.messages.recentUserMessages(userId, FORGET_SCAN);
        messageIds.push(
          ...said.filter((m) => m.id !== message.id && about(m.content)).map((m) => m.id),
        );
        for (const memory of await this.memories.current(userId)) {
          if (about(memory.text) && (await this.memories.delete(userId, memory.id))) memories++;
        }
      }
    }
    // The messages leave memory and what was drawn from them goes, together.
    memories += await this.db.transaction(async (tx) => {
      await this.messages.excludeFromMemory(userId, messageIds, tx);
      return this.memories.forgetMessages(userId, messageIds, tx);
    });
    const forgotten: Forgotten = {
      scope: intent.scope,
      topic: intent.scope === 'topic' ? intent.topic : null,
      memories,
      messages: messageIds.length,
    };
    this.logger.log(
      { userId, scope: forgotten.scope, memories, messages: forgotten.messages },
      "forgot at the user's request",
    );
    return forgotten;
  }
}
