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
import { ApiOperation, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';
import {
  ApiController,
  ApiErrors,
  ApiJson,
  ApiJsonBody,
  ApiUuidParam,
} from '../openapi/openapi.decorators.js';
import { UserGuard, type UserRequest } from '../auth/user.guard.js';
import { EMBEDDINGS, type EmbeddingClient } from './embeddings/embedding-client.js';
import { encodeVector } from './embeddings/vector.js';
import { ForgetService } from './forget.service.js';
import { forgetSchema, memorySchema } from './memory.openapi.js';
import { MemoryRepository } from './memory.repository.js';
import { looksSensitive, textLanguage } from './memory-text.js';
import { UserApiLimitsGuard } from '../auth/user-api-limits.guard.js';
import { UserDataService } from './user-data.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const correctionSchema = z.object({ text: z.string().trim().min(1).max(300) }).strict();

/** The user's own memories and forgets (docs/user-api.md). Everything is scoped to the token's `sub`. */
@Controller('v1/me')
@UseGuards(UserGuard, UserApiLimitsGuard)
@ApiController('me: memories')
export class MemoryController {
  private readonly logger = new Logger(MemoryController.name);

  constructor(
    private readonly data: UserDataService,
    private readonly memories: MemoryRepository,
    private readonly forgets: ForgetService,
    @Optional() @Inject(EMBEDDINGS) private readonly embeddings: EmbeddingClient | null = null,
  ) {}

  @ApiOperation({ summary: 'The current memories, newest first (every version, oldest first)' })
  @ApiQuery({
    name: 'includeSuperseded',
    required: false,
    schema: { type: 'string', enum: ['true', 'false'] },
  })
  @ApiJson(200, 'The memories', {
    type: 'object',
    properties: { memories: { type: 'array', items: memorySchema } },
  })
  @ApiErrors({ 400: ['invalid_query'], 401: ['unauthorized'], 429: ['rate_limited'] })
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
  @ApiOperation({ summary: 'Correct a memory: the text becomes a new version' })
  @ApiUuidParam('id', "the memory's id")
  @ApiJsonBody(correctionSchema)
  @ApiJson(200, 'The new version', {
    type: 'object',
    properties: { memory: memorySchema },
  })
  @ApiErrors({
    400: ['invalid_id', 'invalid_payload', 'invalid_json'],
    401: ['unauthorized'],
    404: ['memory_not_found'],
    429: ['rate_limited'],
  })
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

  @ApiOperation({ summary: 'Delete a memory and every older version of it' })
  @ApiUuidParam('id', "the memory's id")
  @ApiResponse({ status: 204, description: 'Deleted' })
  @ApiErrors({
    400: ['invalid_id'],
    401: ['unauthorized'],
    404: ['memory_not_found'],
    429: ['rate_limited'],
  })
  @Delete('memories/:id')
  @HttpCode(204)
  async remove(@Req() req: UserRequest, @Param('id') id: string): Promise<void> {
    if (!(await this.memories.delete(user(req), checkId(id)))) throw notFound();
  }

  @ApiOperation({ summary: "Delete all the user's memories (their messages stay)" })
  @ApiJson(200, 'How many were deleted', {
    type: 'object',
    properties: { deleted: { type: 'integer' } },
  })
  @ApiErrors({ 401: ['unauthorized'], 429: ['rate_limited'] })
  @Delete('memories')
  async removeAll(@Req() req: UserRequest) {
    return { deleted: await this.memories.deleteAll(user(req)) };
  }

  /** What the user asked the companion to forget, newest first, and until when each can be undone. */
  @ApiOperation({ summary: 'What the user asked to forget, newest first (the last 100)' })
  @ApiJson(200, 'The forgets', {
    type: 'object',
    properties: { forgets: { type: 'array', items: forgetSchema } },
  })
  @ApiErrors({ 401: ['unauthorized'], 429: ['rate_limited'] })
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
  @ApiOperation({ summary: 'Undo a forget within its 24 hours' })
  @ApiUuidParam('id', "the forget's id")
  @ApiJson(200, 'What came back', {
    type: 'object',
    properties: {
      undone: { type: 'boolean', enum: [true] },
      memories: { type: 'integer' },
      messages: { type: 'integer' },
    },
  })
  @ApiErrors({
    400: ['invalid_id'],
    401: ['unauthorized'],
    404: ['forget_not_found'],
    409: ['already_undone'],
    410: ['undo_expired'],
    429: ['rate_limited'],
  })
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
