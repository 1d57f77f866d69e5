import { Module } from '@nestjs/common';
import { ConversationModule } from '../conversation/conversation.module.js';
import { AccountController } from './account.controller.js';
import { AccountModule } from './account.module.js';

/** The user's API for their data as a whole (`/v1/me`), for processes that serve HTTP APIs. */
@Module({
  imports: [AccountModule, ConversationModule],
  controllers: [AccountController],
})
export class AccountApiModule {}
