import { Injectable, Logger } from '@nestjs/common';
import type { ClaimRead } from '../../conversation/message.repository.js';
import { MemoryService } from '../../memory/memory.service.js';
import type { TurnStage } from '../run-turn.js';
import type { Turn, TurnRecall } from '../turn.js';

/**
 * recall: what long-term memory holds that matters for this message (a "forget that" in it
 * carried out first), beside the conversation so far (its summary and recent turns, read with
 * the claim). Past turns are searched only when the user said things the prompt does not carry.
 * Optional: when long-term memory fails, the reply goes on with the conversation alone and the
 * failure is recorded with the turn.
 */
@Injectable()
export class RecallStage implements TurnStage<'recall'> {
  readonly name = 'recall' as const;
  readonly produces = 'recall' as const;
  readonly optional = true;
  private readonly logger = new Logger(RecallStage.name);

  /** The memories come back with the reply claim (when memory is on). */
  readonly read: ClaimRead | undefined;

  constructor(private readonly memory: MemoryService) {
    this.read = memory.claimRead() ?? undefined;
  }

  async run(turn: Turn): Promise<TurnRecall> {
    const { summary, history, olderTurns } = turn.conversation;
    const answering = turn.answering;
    const affect = turn.affect?.affect ?? null;
    let memory = null;
    let memoryError: string | null = null;
    try {
      memory = await this.memory.forTurn({
        userId: turn.user.id,
        conversationId: turn.conversationId,
        message: answering,
        replyId: turn.reply.id,
        historyFromSeq: history[0]?.seq ?? turn.reply.seq,
        affect: affect ? { valence: affect.valence, arousal: affect.arousal } : null,
        timeZone: turn.user.timeZone,
        searchTurns: olderTurns,
        memories: turn.reads.recall,
      });
    } catch (e) {
      memoryError = e instanceof Error ? e.message : String(e);
      this.logger.warn(
        { turnId: turn.turnId, err: memoryError },
        'long-term memory failed; replying with the conversation only',
      );
    }
    // A forget carried out now already holds for this reply's prompt: what it named leaves the
    // history (the request itself stays, as the message answered) and a summary that held it goes.
    const forgotten = memory?.forgotten ?? null;
    const gone = new Set(forgotten?.messageIds ?? []);
    gone.delete(answering.id);
    return {
      summary: forgotten?.summariesReset.includes(turn.conversationId) ? null : summary,
      history: gone.size ? history.filter((m) => !gone.has(m.id)) : history,
      memories: memory?.items ?? [],
      memoryTokens: memory?.tokens ?? 0,
      forgotten,
      memoryError,
    };
  }

  /** The conversation alone. */
  fallback(turn: Turn): TurnRecall {
    return {
      summary: turn.conversation.summary,
      history: turn.conversation.history,
      memories: [],
      memoryTokens: 0,
      forgotten: null,
      memoryError: null,
    };
  }
}
