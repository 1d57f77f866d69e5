import type { TurnAffect } from '../affect/fuse-affect.js';
import type { AffectView, MessageView } from './chat.protocol.js';
import type { MessageEntity } from '../conversation/message.entity.js';

export function toMessageView(m: MessageEntity): MessageView {
  return {
    id: m.id,
    conversationId: m.conversationId,
    seq: m.seq,
    role: m.role,
    kind: m.kind,
    content: m.content,
    status: m.status,
    clientMsgId: m.clientMsgId,
    inReplyTo: m.inReplyTo,
    source: m.role === 'user' ? 'user' : (m.source as MessageView['source']),
    model: m.model,
    errorCode: m.errorCode,
    ...(m.outputBlocked ? { withheld: true } : {}),
    ...(m.replacedAt ? { replaced: true } : {}),
    createdAt: m.createdAt.toISOString(),
    completedAt: m.completedAt ? m.completedAt.toISOString() : null,
  };
}

/** What the app is told about the turn's affect (reply:start). */
export function toAffectView(affect: TurnAffect): AffectView {
  return {
    label: affect.label,
    valence: affect.valence,
    arousal: affect.arousal,
    confidence: affect.confidence,
    hedged: affect.hedged,
    incongruence: affect.incongruence?.kind ?? null,
    evidence: affect.evidence,
  };
}
