import { Injectable, Logger } from '@nestjs/common';
import { ClientEmitter } from '../../gateway/client-emitter.js';
import { SafetyService } from '../../safety/safety.service.js';
import type { TurnStage } from '../run-turn.js';
import type { Turn, TurnOutput } from '../turn.js';

/**
 * protocol: when the safety stage read a crisis, the reply is the pre-written crisis protocol
 * (prompts/safety/, in the user's language, with the crisis resources of their locale), streamed
 * like any reply, sentence by sentence, without asking any model; the crisis is recorded and
 * operators are alerted. Otherwise it adds nothing and the turn goes on.
 */
@Injectable()
export class ProtocolStage implements TurnStage<'output'> {
  readonly name = 'protocol' as const;
  readonly produces = 'output' as const;
  readonly optional = false;
  private readonly logger = new Logger(ProtocolStage.name);

  constructor(
    private readonly safety: SafetyService,
    private readonly emitter: ClientEmitter,
  ) {}

  async run(turn: Turn): Promise<TurnOutput | undefined> {
    const risk = turn.risk;
    if (!risk?.crisis) return undefined;
    const userId = turn.user.id;
    const { reply } = turn;
    const protocol = this.safety.protocolReply({
      categories: risk.categories,
      lang: risk.lang,
      locale: turn.user.locale,
      minor: risk.minor,
    });
    this.emitter.toUser(userId, 'reply:start', {
      replyId: reply.id,
      conversationId: turn.conversationId,
      inReplyTo: turn.answering.id,
      seq: reply.seq,
      affect: null,
    });
    const started = Date.now();
    let content = '';
    protocol.sentences.forEach((sentence, index) => {
      const text = (index > 0 ? (risk.lang === 'zh' ? '' : ' ') : '') + sentence;
      content += text;
      this.emitter.toUser(userId, 'reply:delta', { replyId: reply.id, index, text });
    });
    this.logger.warn(
      {
        turnId: turn.turnId,
        userId,
        conversationId: turn.conversationId,
        level: risk.level,
        categories: risk.categories,
        protocol: protocol.version,
        resources: protocol.resources,
      },
      'crisis protocol reply given',
    );
    try {
      await this.safety.recordCrisis({
        userId,
        conversationId: turn.conversationId,
        messageId: turn.answering.id,
        replyId: reply.id,
        level: risk.level,
        categories: risk.categories,
        evidence: { detector: risk.evidence, guard: risk.guard },
        reply: protocol,
      });
    } catch (e) {
      // The user has their reply; the record and the alert are what failed.
      this.logger.error(
        { turnId: turn.turnId, err: e instanceof Error ? e.message : String(e) },
        'could not record the crisis or alert operators',
      );
    }
    return {
      status: 'completed',
      content,
      errorCode: null,
      model: null,
      ttftMs: started - turn.startedAt,
      upstreamAt: null,
      usage: null,
      source: 'protocol',
      version: protocol.version,
    };
  }
}
