import type { MigrationInterface } from 'typeorm';
import { ConversationBookkeeping1796420000000 } from './1796420000000-ConversationBookkeeping.js';
import { TraceInline1796370000000 } from './1796370000000-TraceInline.js';
import { AnalyticsCohorts1796360000000 } from './1796360000000-AnalyticsCohorts.js';
import { OperatorTools1796275671850 } from './1796275671850-OperatorTools.js';
import { AnalyticsRollups1796300000000 } from './1796300000000-AnalyticsRollups.js';
import { ModelLoop1796350000000 } from './1796350000000-ModelLoop.js';
import { Moderation1796267409638 } from './1796267409638-Moderation.js';
import { Safety1796251257757 } from './1796251257757-Safety.js';
import { TrustAndLimits1796242713554 } from './1796242713554-TrustAndLimits.js';
import { TurnPipeline1796237260053 } from './1796237260053-TurnPipeline.js';
import { MemoryEmbeddings1795366650683 } from './1795366650683-MemoryEmbeddings.js';
import { MemoryCursorId1795366394877 } from './1795366394877-MemoryCursorId.js';
import { Memory1795365663743 } from './1795365663743-Memory.js';
import { AffectAndTraces1795365103034 } from './1795365103034-AffectAndTraces.js';
import { VoiceClips1795362577525 } from './1795362577525-VoiceClips.js';
import { ReplySlotFunction1795361000000 } from './1795361000000-ReplySlotFunction.js';
import { Init1795360675890 } from './1795360675890-Init.js';

/** Applied in this order; `npm run migration:generate -- Name` appends here. */
export const MIGRATIONS: Array<new () => MigrationInterface> = [
  Init1795360675890,
  ReplySlotFunction1795361000000,
  VoiceClips1795362577525,
  AffectAndTraces1795365103034,
  Memory1795365663743,
  MemoryCursorId1795366394877,
  MemoryEmbeddings1795366650683,
  TurnPipeline1796237260053,
  TrustAndLimits1796242713554,
  Safety1796251257757,
  Moderation1796267409638,
  OperatorTools1796275671850,
  AnalyticsRollups1796300000000,
  ModelLoop1796350000000,
  AnalyticsCohorts1796360000000,
  TraceInline1796370000000,
  ConversationBookkeeping1796420000000,
];
