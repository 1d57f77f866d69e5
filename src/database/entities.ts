import { ConversationEntity } from '../chat/conversation.entity.js';
import { MessageEntity } from '../chat/message.entity.js';
import { UserEntity } from '../chat/user.entity.js';
import { VoiceClipEntity } from '../voice/voice-clip.entity.js';

/** Every entity the service maps; migrations are generated against this list. */
export const ENTITIES = [UserEntity, ConversationEntity, MessageEntity, VoiceClipEntity];
