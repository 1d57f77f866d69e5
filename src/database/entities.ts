import { AccountDeletionEntity } from '../account/account-deletion.entity.js';
import {
  AnalyticsRollupDayEntity,
  AnalyticsSessionEntity,
  AnalyticsUserCohortEntity,
  AnalyticsUserDayEntity,
} from '../analytics/analytics-user-day.entity.js';
import {
  AffectConversationStateEntity,
  AffectUserStateEntity,
} from '../affect/affect-state.entity.js';
import { TurnAffectEntity } from '../affect/turn-affect.entity.js';
import { ConversationEntity } from '../conversation/conversation.entity.js';
import { MessageEntity } from '../conversation/message.entity.js';
import { UserEntity } from '../conversation/user.entity.js';
import { FeedbackEventEntity } from '../feedback/feedback-event.entity.js';
import { TrainingConsentEntity } from '../feedback/training-consent.entity.js';
import {
  ExperimentEntity,
  ExperimentExposureEntity,
} from '../feedback/experiments/experiment.entity.js';
import { MemoryCursorEntity } from '../memory/memory-cursor.entity.js';
import { MemoryForgetEntity } from '../memory/memory-forget.entity.js';
import { MemoryEntity } from '../memory/memory.entity.js';
import {
  ModerationEventEntity,
  UserRestrictionEntity,
} from '../moderation/moderation-event.entity.js';
import { ModerationRuleEntity } from '../moderation/moderation-rule.entity.js';
import { OperatorAuditEntity } from '../operator/operator-audit.entity.js';
import {
  ComplianceEventEntity,
  CrisisEventEntity,
  SafetyFlagEntity,
} from '../safety/safety-event.entity.js';
import {
  SafetyConversationStateEntity,
  SafetyUserStateEntity,
} from '../safety/safety-state.entity.js';
import { TurnTraceEntity } from '../turn/turn-trace.entity.js';
import { VoiceClipEntity } from '../voice/voice-clip.entity.js';

/** Every entity the service maps; migrations are generated against this list. */
export const ENTITIES = [
  UserEntity,
  ConversationEntity,
  MessageEntity,
  VoiceClipEntity,
  TurnAffectEntity,
  AffectUserStateEntity,
  AffectConversationStateEntity,
  TurnTraceEntity,
  OperatorAuditEntity,
  MemoryEntity,
  MemoryCursorEntity,
  MemoryForgetEntity,
  AccountDeletionEntity,
  SafetyUserStateEntity,
  SafetyConversationStateEntity,
  CrisisEventEntity,
  SafetyFlagEntity,
  ComplianceEventEntity,
  ModerationEventEntity,
  UserRestrictionEntity,
  ModerationRuleEntity,
  AnalyticsUserDayEntity,
  AnalyticsSessionEntity,
  AnalyticsRollupDayEntity,
  FeedbackEventEntity,
  TrainingConsentEntity,
  ExperimentEntity,
  ExperimentExposureEntity,
  AnalyticsUserCohortEntity,
];
