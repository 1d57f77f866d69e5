import { Module } from '@nestjs/common';
import { MessageRepository } from './message.repository.js';

/**
 * Users, conversations and messages: the one owner of those tables. Other modules ask
 * MessageRepository; none of them writes SQL against these tables.
 */
@Module({
  providers: [MessageRepository],
  exports: [MessageRepository],
})
export class ConversationModule {}
