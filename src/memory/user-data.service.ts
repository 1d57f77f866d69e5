import { Injectable } from '@nestjs/common';
import { MessageRepository } from '../conversation/message.repository.js';
import { MemoryRepository, type Memory } from './memory.repository.js';

export interface MemoryView {
  id: string;
  kind: string;
  text: string;
  language: string | null;
  importance: number;
  emotionalIntensity: number;
  sensitive: boolean;
  core: boolean;
  about: { from: string; to: string } | null;
  validUntil: string | null;
  supersededBy: string | null;
  origin: string;
  learntAt: string;
  updatedAt: string;
  sources: Array<{
    messageId: string;
    conversationId: string;
    seq: number;
    role: string;
    text: string;
    at: string;
  }>;
}

/** What a user sees of their memories: each with the messages it was learnt from. */
@Injectable()
export class UserDataService {
  constructor(
    private readonly messages: MessageRepository,
    private readonly memories: MemoryRepository,
  ) {}

  async listMemories(userId: string, includeSuperseded: boolean): Promise<MemoryView[]> {
    const memories = includeSuperseded
      ? await this.memories.all(userId)
      : await this.memories.current(userId);
    return this.withSources(userId, memories);
  }

  async memory(userId: string, id: string): Promise<MemoryView | null> {
    const memory = await this.memories.get(userId, id);
    return memory ? (await this.withSources(userId, [memory]))[0] : null;
  }

  private async withSources(userId: string, memories: Memory[]): Promise<MemoryView[]> {
    const ids = [...new Set(memories.flatMap((m) => m.sourceMessageIds))];
    const rows = await this.messages.sources(userId, ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return memories.map((m) => ({
      id: m.id,
      kind: m.kind,
      text: m.text,
      language: m.language,
      importance: m.importance,
      emotionalIntensity: m.emotionalIntensity,
      sensitive: m.sensitive,
      core: m.core,
      about:
        m.eventFrom && m.eventTo
          ? { from: m.eventFrom.toISOString(), to: m.eventTo.toISOString() }
          : null,
      validUntil: m.validUntil?.toISOString() ?? null,
      supersededBy: m.supersededBy,
      origin: m.origin,
      learntAt: m.createdAt.toISOString(),
      updatedAt: m.updatedAt.toISOString(),
      sources: m.sourceMessageIds.flatMap((id) => {
        const r = byId.get(id);
        return r
          ? [
              {
                messageId: r.id,
                conversationId: r.conversationId,
                seq: r.seq,
                role: r.role,
                text: r.content,
                at: r.createdAt.toISOString(),
              },
            ]
          : [];
      }),
    }));
  }
}
