import { Module } from '@nestjs/common';
import { AffectModule } from '../affect/affect.module.js';
import { ConversationModule } from '../conversation/conversation.module.js';
import { MemoryModule } from '../memory/memory.module.js';
import { VoiceStoreModule } from '../voice/voice-store.module.js';
import { AccountController } from './account.controller.js';
import { AccountService } from './account.service.js';

/** The user's account as a whole, across the modules that hold their data (the export). */
@Module({
  imports: [ConversationModule, VoiceStoreModule, AffectModule, MemoryModule],
  controllers: [AccountController],
  providers: [AccountService],
})
export class AccountModule {}
