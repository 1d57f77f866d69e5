import { Module } from '@nestjs/common';
import { ConversationRollupJob } from './conversation-rollup.job.js';
import { MessageRepository } from './message.repository.js';

/**
 * Users, conversations and messages: the one owner of those tables. Other modules ask
 * MessageRepository; none of them writes SQL against these tables.
 */
@Module({
  providers: [MessageRepository, ConversationRollupJob],
  exports: [MessageRepository],
})
export class ConversationModule {}
