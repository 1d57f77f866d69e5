import { TurnAffectEntity } from '../affect/turn-affect.entity.js';
import { ConversationEntity } from '../chat/conversation.entity.js';
import { MessageEntity } from '../chat/message.entity.js';
import { UserEntity } from '../chat/user.entity.js';
import { OperatorAuditEntity } from '../operator/operator-audit.entity.js';
import { TurnTraceEntity } from '../operator/turn-trace.entity.js';
import { MemoryEntity } from '../memory/memory.entity.js';
import { VoiceClipEntity } from '../voice/voice-clip.entity.js';

/** Every entity the service maps; migrations are generated against this list. */
export const ENTITIES = [
  UserEntity,
  ConversationEntity,
  MessageEntity,
  VoiceClipEntity,
  TurnAffectEntity,
  TurnTraceEntity,
  OperatorAuditEntity,
  MemoryEntity,
];
