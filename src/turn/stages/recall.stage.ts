import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { MessageRepository } from '../../conversation/message.repository.js';
import { MemoryService } from '../../memory/memory.service.js';
import type { TurnStage } from '../run-turn.js';
import type { Turn, TurnRecall } from '../turn.js';

/**
 * recall: the conversation so far (its summary and recent turns) and what long-term memory
 * holds that matters for this message (a "forget that" in it carried out first). Optional: when
 * it fails the reply answers the message alone; when only long-term memory fails, the history
 * stays and the failure is recorded with the turn.
 */
@Injectable()
export class RecallStage implements TurnStage<'recall'> {
  readonly name = 'recall' as const;
  readonly produces = 'recall' as const;
  readonly optional = true;
  private readonly logger = new Logger(RecallStage.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly messages: MessageRepository,
    private readonly memory: MemoryService,
  ) {}

  async run(turn: Turn): Promise<TurnRecall> {
    const { summary, history } = await this.messages.promptHistory(
      turn.conversationId,
      turn.reply.seq,
      this.config.prompt.historyMaxMessages,
    );
    const answering = turn.answering;
    const affect = turn.affect?.affect ?? null;
    let memory = null;
    let memoryError: string | null = null;
    try {
      memory = await this.memory.forTurn({
        userId: turn.user.id,
        conversationId: turn.conversationId,
        message: answering,
        historyFromSeq: history[0]?.seq ?? turn.reply.seq,
        affect: affect ? { valence: affect.valence, arousal: affect.arousal } : null,
        timeZone: turn.user.timeZone,
      });
    } catch (e) {
      memoryError = e instanceof Error ? e.message : String(e);
      this.logger.warn(
        { turnId: turn.turnId, err: memoryError },
        'long-term memory failed; replying with the conversation only',
      );
    }
    return {
      summary,
      history: history.map((m) => ({
        id: m.id,
        role: m.role,
        content: m.content,
        tokens: m.contentTokens,
      })),
      memories: memory?.items ?? [],
      memoryTokens: memory?.tokens ?? 0,
      forgotten: memory?.forgotten ?? null,
      memoryError,
    };
  }

  /** The message alone. */
  fallback(turn: Turn): TurnRecall {
    const m = turn.answering;
    return {
      summary: null,
      history: [{ id: m.id, role: 'user', content: m.content, tokens: m.contentTokens }],
      memories: [],
      memoryTokens: 0,
      forgotten: null,
      memoryError: null,
    };
  }
}
