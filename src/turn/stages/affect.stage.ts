import { Injectable } from '@nestjs/common';
import { AffectService, type TurnAffectResult } from '../../affect/affect.service.js';
import type { TurnStage } from '../run-turn.js';
import type { Turn } from '../turn.js';

/**
 * affect: how the user seems in the message answered: the words, and for a voice message the
 * voice against the user's own baseline. Optional: without it the reply goes on without a cue.
 */
@Injectable()
export class AffectStage implements TurnStage<'affect'> {
  readonly name = 'affect' as const;
  readonly produces = 'affect' as const;
  readonly optional = true;
  readonly read = AffectService.stateRead;

  constructor(private readonly affect: AffectService) {}

  async run(turn: Turn): Promise<TurnAffectResult | null> {
    const message = turn.answering;
    const voice = turn.voice.find((v) => v.messageId === message.id) ?? null;
    const read = await this.affect.read({
      messageId: message.id,
      userId: turn.user.id,
      conversationId: turn.conversationId,
      content: message.content,
      createdAt: message.createdAt,
      voice: voice
        ? { prosody: voice.prosody, spectral: voice.spectral, language: voice.language }
        : null,
      state: turn.reads.affect,
    });
    if (!read) return null;
    // Stored by the reply's finish, in its statement: no round trip of its own.
    if (read.write) (turn.carried ??= []).push(read.write);
    return read.result;
  }

  fallback(): null {
    return null;
  }
}
