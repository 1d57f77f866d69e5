import { Injectable } from '@nestjs/common';
import { AffectRepository } from '../affect/affect.repository.js';
import { MessageRepository } from '../conversation/message.repository.js';
import { UserDataService } from '../memory/user-data.service.js';
import { VoiceClipRepository } from '../voice/voice-clip.repository.js';

/**
 * A user's account across modules: each module gives its own rows, asked through its
 * repository or service; nothing here reads another module's table.
 */
@Injectable()
export class AccountService {
  constructor(
    private readonly messages: MessageRepository,
    private readonly clips: VoiceClipRepository,
    private readonly affect: AffectRepository,
    private readonly memories: UserDataService,
  ) {}

  /** Everything the service holds about the user, as JSON (audio as base64 only when asked). */
  async export(userId: string, includeAudio: boolean): Promise<Record<string, unknown>> {
    const { user, conversations, messages } = await this.messages.exportRows(userId);
    if (!user) return { user: null };
    const [voiceClips, affect, memories] = await Promise.all([
      this.clips.exportRows(userId, includeAudio),
      this.affect.exportRows(userId),
      this.memories.listMemories(userId, true),
    ]);
    return {
      exportedAt: new Date().toISOString(),
      user: {
        ...user,
        voice_baseline: affect.state?.voice_baseline ?? null,
        mood: affect.state?.mood ?? null,
      },
      conversations: conversations.map((c) => ({
        ...c,
        mood: affect.conversations.find((a) => a.conversation_id === c.id)?.mood ?? null,
      })),
      messages,
      voiceClips,
      turnAffects: affect.turns,
      memories,
    };
  }
}
