import { Module } from '@nestjs/common';
import { ConversationModule } from '../conversation/conversation.module.js';
import { TurnTraceRepository } from './turn-trace.repository.js';
import { TurnTracesService } from './turn-traces.service.js';

/** Turn traces on their own, for the turn's finish and the operator API alike. */
@Module({
  imports: [ConversationModule],
  providers: [TurnTraceRepository, TurnTracesService],
  exports: [TurnTracesService],
})
export class TurnTracesModule {}
