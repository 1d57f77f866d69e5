import type { FlagEvent } from '../gateway/chat.protocol.js';
import type { Flag } from './safety.repository.js';

/** A stored flag as `/operator` announces it (`flag:new`). */
export function toFlagEvent(flag: Flag): FlagEvent {
  return {
    flagId: flag.id,
    kind: flag.kind,
    source: flag.source,
    priority: flag.priority,
    severity: flag.severity,
    category: flag.category,
    userId: flag.userId,
    conversationId: flag.conversationId,
    messageId: flag.messageId,
    createdAt: flag.createdAt.toISOString(),
  };
}
