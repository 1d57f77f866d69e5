import { Injectable, Logger } from '@nestjs/common';
import { AffectRepository } from '../affect/affect.repository.js';
import { AnalyticsService } from '../analytics/analytics.service.js';
import { MessageRepository } from '../conversation/message.repository.js';
import { ClientEmitter } from '../gateway/client-emitter.js';
import { MemoryRepository } from '../memory/memory.repository.js';
import { ExperimentRepository } from '../feedback/experiments/experiment.repository.js';
import { FeedbackService } from '../feedback/feedback.service.js';
import { ModerationService } from '../moderation/moderation.service.js';
import { OperatorAuditRepository } from '../operator/operator-audit.repository.js';
import { SafetyRepository } from '../safety/safety.repository.js';
import { TurnTracesService } from '../turn/turn-traces.service.js';
import { VoiceClipRepository } from '../voice/voice-clip.repository.js';
import { AccountDeletionRepository, type Deletion } from './account-deletion.repository.js';

/**
 * One line of the export (NDJSON): what it is, and its fields. A voice clip's `audio_base64` is
 * an AsyncIterable of base64 pieces that join to the clip's (src/account/export-ndjson.ts).
 */
export type ExportLine = { type: string } & Record<string, unknown>;

/** The export's format version, in its first line. */
export const EXPORT_VERSION = 1;

/**
 * A user's account across modules: the export and the deletion. Each module gives or deletes its
 * own rows through its repository; nothing here reads or writes another module's table.
 */
@Injectable()
export class AccountService {
  private readonly logger = new Logger(AccountService.name);

  constructor(
    private readonly messages: MessageRepository,
    private readonly clips: VoiceClipRepository,
    private readonly affect: AffectRepository,
    private readonly memories: MemoryRepository,
    private readonly traces: TurnTracesService,
    private readonly audit: OperatorAuditRepository,
    private readonly deletions: AccountDeletionRepository,
    private readonly emitter: ClientEmitter,
    private readonly safety: SafetyRepository,
    private readonly moderation: ModerationService,
    private readonly analytics: AnalyticsService,
    private readonly feedback: FeedbackService,
    private readonly experiments: ExperimentRepository,
  ) {}

  /**
   * Everything stored about the user, one JSON object per line, read page by page so that memory
   * stays constant whatever the history: a header, the user, affect state, conversations (with
   * summaries and moods), messages (transcripts included), voice clips (their audio, base64, one
   * at a time, only when asked), how each message was read, memories (every version), forgets,
   * the memory cursor, the user's turn traces, safety (risk states, crisis events, flags, notices
   * given), training consent (every answer), reactions to replies, experiment exposures, moderation (the restriction in force and every event about the user), and a last line with the counts. A consumer that
   * misses the last line knows the export was cut short.
   */
  async *export(userId: string, includeAudio: boolean): AsyncGenerator<ExportLine> {
    const counts: Record<string, number> = {};
    const line = (type: string, fields: Record<string, unknown>): ExportLine => {
      counts[type] = (counts[type] ?? 0) + 1;
      return { type, ...fields };
    };
    yield { type: 'export', version: EXPORT_VERSION, userId, exportedAt: new Date().toISOString() };
    const user = await this.messages.exportUser(userId);
    if (user) {
      yield line('user', user);
      const affect = await this.affect.exportStates(userId);
      if (affect.user) yield line('affectState', affect.user);
      const moods = new Map(affect.conversations.map((c) => [c.conversation_id, c.mood]));
      for await (const c of this.messages.exportConversations(userId)) {
        yield line('conversation', { ...c, mood: moods.get(c.id) ?? null });
      }
      for await (const m of this.messages.exportMessages(userId)) yield line('message', m);
      for await (const clip of this.clips.exportClips(userId)) {
        const { has_audio: hasAudio, ...fields } = clip;
        // The audio as pieces of base64, read while the line is written (never a whole clip).
        yield line(
          'voiceClip',
          includeAudio && hasAudio
            ? { ...fields, audio_base64: this.clips.audioChunks(userId, clip.message_id as string) }
            : fields,
        );
      }
      for await (const r of this.affect.exportReadings(userId)) yield line('turnAffect', r);
      for await (const m of this.memories.exportMemories(userId)) yield line('memory', m);
      const memoryState = await this.memories.exportState(userId);
      for (const f of memoryState.forgets) yield line('forget', f);
      if (memoryState.cursor) yield line('memoryCursor', memoryState.cursor);
      for await (const t of this.traces.exportTraces(userId)) yield line('turnTrace', t);
      for await (const { type, row } of this.safety.exportUserData(userId)) yield line(type, row);
    }
    // Consent and reactions are kept by user id alone: consent may come before any chat.
    for await (const { type, row } of this.feedback.exportUserData(userId)) yield line(type, row);
    for (const row of await this.experiments.exportUserData(userId))
      yield line('experimentExposure', row);
    // Moderation is kept by user id alone: a user who never chatted may still have been acted on.
    for await (const { type, row } of this.moderation.exportUserData(userId)) yield line(type, row);
    yield { type: 'end', counts };
  }

  /**
   * Asks for the account's data to be deleted: recorded at once (a repeat while it runs changes
   * nothing), the user's connections closed, the work queued for a worker. Returns the status.
   */
  async requestDeletion(userId: string): Promise<{ deletion: Deletion; queue: boolean }> {
    const request = await this.deletions.request(userId);
    this.emitter.disconnectUser(userId);
    return request;
  }

  deletionStatus(userId: string): Promise<Deletion | null> {
    return this.deletions.find(userId);
  }

  /**
   * Deletes everything stored about the user, owner by owner, in batches: voice clips (and their
   * audio), traces, safety (crisis events stay for the yearly counts, anonymised), affect,
   * memories, analytics roll-ups, then messages, conversations and the user row (whose cascade takes whatever was
   * written meanwhile); the operator audit keeps its entries without
   * the user's id. Safe to run again: what is gone stays gone.
   */
  async deleteAccount(userId: string): Promise<Record<string, number>> {
    await this.deletions.start(userId);
    try {
      const deleted: Record<string, number> = {};
      deleted.voice_clips = await this.clips.deleteUserData(userId);
      deleted.turn_traces = await this.traces.deleteUserData(userId);
      Object.assign(deleted, await this.safety.deleteUserData(userId));
      Object.assign(deleted, await this.moderation.deleteUserData(userId));
      Object.assign(deleted, await this.feedback.deleteUserData(userId));
      deleted.experiment_exposures = await this.experiments.deleteUserData(userId);
      Object.assign(deleted, await this.affect.deleteUserData(userId));
      Object.assign(deleted, await this.memories.deleteUserData(userId));
      // The user's analytics roll-ups (totals already exported stay as they were).
      Object.assign(deleted, await this.analytics.deleteUserData(userId));
      Object.assign(deleted, await this.messages.deleteUserData(userId));
      deleted.operator_audit_anonymised = await this.audit.forgetSubject(userId);
      await this.deletions.finish(userId, 'done', deleted);
      this.emitter.disconnectUser(userId);
      this.logger.log({ userId, deleted }, 'account data deleted');
      return deleted;
    } catch (e) {
      await this.deletions.finish(userId, 'failed', null).catch(() => undefined);
      throw e;
    }
  }
}
