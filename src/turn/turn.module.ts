import { type DynamicModule, Module } from '@nestjs/common';
import { AffectModule } from '../affect/affect.module.js';
import type { Role } from '../config/app-config.js';
import { ConversationModule } from '../conversation/conversation.module.js';
import { RealtimeModule } from '../gateway/realtime.module.js';
import { FeedbackModule } from '../feedback/feedback.module.js';
import { LlmModule } from '../llm/llm.module.js';
import { MemoryModule } from '../memory/memory.module.js';
import { PromptingModule } from '../prompting/prompting.module.js';
import { SafetyModule } from '../safety/safety.module.js';
import { VoiceStoreModule } from '../voice/voice-store.module.js';
import { ReplyRecoveryService } from './reply-recovery.service.js';
import { ReplySlotsService } from './reply-slots.service.js';
import { AdmitStage } from './stages/admit.stage.js';
import { AffectStage } from './stages/affect.stage.js';
import { GenerateStage } from './stages/generate.stage.js';
import { PromptStage } from './stages/prompt.stage.js';
import { RecallStage } from './stages/recall.stage.js';
import { RouteStage } from './stages/route.stage.js';
import { ProtocolStage } from './stages/protocol.stage.js';
import { SafetyStage } from './stages/safety.stage.js';
import { TurnFinisher } from './turn-finisher.js';
import { TurnTracesModule } from './turn-traces.module.js';
import { TurnService } from './turn.service.js';

/**
 * The turn pipeline: the only module that knows the order of the stages. Whoever has a message
 * to answer (the gateway for text, voice/ for a transcript) hands it to TurnService.
 */
@Module({
  imports: [
    ConversationModule,
    AffectModule,
    MemoryModule,
    PromptingModule,
    LlmModule,
    RealtimeModule,
    TurnTracesModule,
    VoiceStoreModule,
    SafetyModule,
    FeedbackModule,
  ],
  providers: [
    AdmitStage,
    SafetyStage,
    ProtocolStage,
    AffectStage,
    RecallStage,
    RouteStage,
    PromptStage,
    GenerateStage,
    TurnFinisher,
    TurnService,
  ],
  exports: [TurnService],
})
export class TurnModule {}

/**
 * What keeps replies accountable across processes, by role: a process that runs turns
 * (ROLE=gateway or all) renews its leases and answers messages left owed a reply; a process that
 * runs sweeps (ROLE=worker or all) ends the replies whose process died.
 */
@Module({})
export class TurnSweepsModule {
  static forRole(role: Role): DynamicModule {
    const turns = role !== 'worker';
    const sweeps = role !== 'gateway';
    return {
      module: TurnSweepsModule,
      imports: [ConversationModule, RealtimeModule, ...(turns ? [TurnModule] : [])],
      providers: [...(turns ? [ReplySlotsService] : []), ...(sweeps ? [ReplyRecoveryService] : [])],
    };
  }
}
