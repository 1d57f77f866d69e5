import type { MessageView } from './chat.protocol.js';
import type { MessageEntity } from './message.entity.js';

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
    model: m.model,
    errorCode: m.errorCode,
    createdAt: m.createdAt.toISOString(),
    completedAt: m.completedAt ? m.completedAt.toISOString() : null,
  };
}
