import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  Delete,
  Get,
  GoneException,
  HttpCode,
  Inject,
  Logger,
  NotFoundException,
  Optional,
  Param,
  Patch,
  Post,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import { z } from 'zod';
import { UserGuard, type UserRequest } from '../auth/user.guard.js';
import { EMBEDDINGS, type EmbeddingClient } from './embeddings/embedding-client.js';
import { encodeVector } from './embeddings/vector.js';
import { ForgetService } from './forget.service.js';
import { MemoryRepository } from './memory.repository.js';
import { looksSensitive, textLanguage } from './memory-text.js';
import { UserApiLimitsGuard } from '../auth/user-api-limits.guard.js';
import { UserDataService } from './user-data.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const correctionSchema = z.object({ text: z.string().trim().min(1).max(300) }).strict();

/** The user's own memories and forgets (docs/user-api.md). Everything is scoped to the token's `sub`. */
@Controller('v1/me')
@UseGuards(UserGuard, UserApiLimitsGuard)
export class MemoryController {
  private readonly logger = new Logger(MemoryController.name);

  constructor(
    private readonly data: UserDataService,
    private readonly memories: MemoryRepository,
    private readonly forgets: ForgetService,
    @Optional() @Inject(EMBEDDINGS) private readonly embeddings: EmbeddingClient | null = null,
  ) {}

  @Get('memories')
  async list(@Req() req: UserRequest, @Query('includeSuperseded') includeSuperseded?: string) {
    return {
      memories: await this.data.listMemories(
        user(req),
        flag(includeSuperseded, 'includeSuperseded'),
      ),
    };
  }

  /** A correction: the new text becomes a new version; the old one is kept, pointing to it. */
  @Patch('memories/:id')
  async correct(@Req() req: UserRequest, @Param('id') id: string, @Body() body: unknown) {
    const parsed = correctionSchema.safeParse(body);
    if (!parsed.success) {
      throw new BadRequestException({
        code: 'invalid_payload',
        message: parsed.error.issues[0]?.message ?? 'invalid',
      });
    }
    const old = await this.memories.get(user(req), checkId(id));
    if (!old || old.supersededBy) throw notFound();
    const text = parsed.data.text;
    const newId = await this.memories.supersede(user(req), old.id, {
      ...old,
      text,
      language: textLanguage(text),
      sensitive: old.sensitive || looksSensitive(text),
      origin: 'user',
      embedding: await this.embed(user(req), text),
    });
    if (!newId) throw notFound();
    return { memory: await this.data.memory(user(req), newId) };
  }

  /** The corrected text's vector for semantic recall; without it the memory is recalled by words. */
  private async embed(userId: string, text: string) {
    if (!this.embeddings) return null;
    const vector = await this.embeddings.embedNow(text, 'memories');
    if (!vector) {
      this.logger.warn(
        { userId },
        'correction stored without its embedding (endpoint did not answer)',
      );
      return null;
    }
    return { bytes: encodeVector(vector), model: this.embeddings.model };
  }

  @Delete('memories/:id')
  @HttpCode(204)
  async remove(@Req() req: UserRequest, @Param('id') id: string): Promise<void> {
    if (!(await this.memories.delete(user(req), checkId(id)))) throw notFound();
  }

  @Delete('memories')
  async removeAll(@Req() req: UserRequest) {
    return { deleted: await this.memories.deleteAll(user(req)) };
  }

  /** What the user asked the companion to forget, newest first, and until when each can be undone. */
  @Get('forgets')
  async forgetList(@Req() req: UserRequest) {
    const now = Date.now();
    return {
      forgets: (await this.forgets.list(user(req))).map((f) => ({
        id: f.id,
        scope: f.scope,
        topic: f.topic,
        messages: f.messageIds.length,
        memories: f.savedMemories,
        at: f.createdAt.toISOString(),
        undoUntil: f.undoUntil.toISOString(),
        undoneAt: f.undoneAt?.toISOString() ?? null,
        undoable: !f.undoneAt && f.savedMemories !== null && f.undoUntil.getTime() > now,
      })),
    };
  }

  /** Undo a forget within its window: the memories come back and the messages are recalled again. */
  @Post('forgets/:id/undo')
  @HttpCode(200)
  async undoForget(@Req() req: UserRequest, @Param('id') id: string) {
    const result = await this.forgets.undo(user(req), checkId(id));
    if (result.ok) return { undone: true, memories: result.memories, messages: result.messages };
    switch (result.code) {
      case 'forget_not_found':
        throw new NotFoundException({ code: result.code, message: 'no such forget' });
      case 'already_undone':
        throw new ConflictException({ code: result.code, message: 'this forget was undone' });
      case 'undo_expired':
        throw new GoneException({
          code: result.code,
          message: 'the undo window of this forget has passed; what it took out is erased',
        });
    }
  }
}

function user(req: UserRequest): string {
  return req.principal!.userId;
}

/** A boolean query parameter: absent, `true` or `false`; anything else is refused. */
function flag(value: string | undefined, name: string): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new BadRequestException({
    code: 'invalid_query',
    message: `${name} must be true or false`,
  });
}

function checkId(id: string): string {
  if (!UUID.test(id))
    throw new BadRequestException({ code: 'invalid_id', message: 'the id must be a UUID' });
  return id;
}

function notFound(): NotFoundException {
  // Another user's memory gets the same answer as a missing one.
  return new NotFoundException({ code: 'memory_not_found', message: 'no such memory' });
}
