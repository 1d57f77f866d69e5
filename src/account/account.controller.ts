import {
  BadRequestException,
  Controller,
  Delete,
  Get,
  HttpCode,
  Logger,
  NotFoundException,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiController, ApiErrors, ApiJson } from '../openapi/openapi.decorators.js';
import { ExportLimit, UserApiLimitsGuard } from '../auth/user-api-limits.guard.js';
import { UserGuard, type UserRequest } from '../auth/user.guard.js';
import { MessageRepository } from '../conversation/message.repository.js';
import { AccountDeletionJob } from './account-deletion.job.js';
import type { Deletion } from './account-deletion.repository.js';
import { conversationPageSchema, deletionSchema, exportLineSchema } from './account.openapi.js';
import { AccountService } from './account.service.js';
import { NdjsonWriter, ndjsonPieces } from './export-ndjson.js';

const MAX_PAGE = 100;

/**
 * The user's own data as a whole (docs/user-api.md): their conversations, the export, and the
 * deletion of everything. Scoped to the token's `sub`.
 */
@Controller('v1/me')
@UseGuards(UserGuard, UserApiLimitsGuard)
@ApiController('me: account')
export class AccountController {
  private readonly logger = new Logger(AccountController.name);

  constructor(
    private readonly account: AccountService,
    private readonly deletionJob: AccountDeletionJob,
    private readonly messages: MessageRepository,
  ) {}

  /** The user's conversations, most recent first; `cursor` from the previous page's `next`. */
  @ApiOperation({ summary: "The user's conversations, the latest message first" })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: MAX_PAGE, default: 20 },
  })
  @ApiQuery({
    name: 'cursor',
    required: false,
    schema: { type: 'string' },
    description: "the previous page's `next`",
  })
  @ApiJson(200, 'A page of conversations', conversationPageSchema)
  @ApiErrors({ 400: ['invalid_query'], 401: ['unauthorized'], 429: ['rate_limited'] })
  @Get('conversations')
  async conversations(
    @Req() req: UserRequest,
    @Query('limit') limitParam?: string,
    @Query('cursor') cursorParam?: string,
  ) {
    const limit = limitParam === undefined ? 20 : Number(limitParam);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) {
      throw invalidQuery(`limit must be an integer from 1 to ${MAX_PAGE}`);
    }
    const after = cursorParam === undefined ? null : decodeCursor(cursorParam);
    const page = await this.messages.listConversations(user(req), after, limit + 1);
    const shown = page.slice(0, limit);
    const last = shown.at(-1);
    return {
      conversations: shown.map((c) => ({
        id: c.id,
        title: c.title,
        lastSeq: c.lastSeq,
        messageCount: c.messageCount,
        lastMessageAt: new Date(c.lastMessageAt).toISOString(),
        createdAt: c.createdAt.toISOString(),
      })),
      next: page.length > limit && last ? encodeCursor(last.lastMessageAt, last.id) : null,
    };
  }

  /**
   * Everything stored about the user as NDJSON (application/x-ndjson), streamed: one JSON object
   * per line, the last one `{"type":"end", ...}`. Audio (base64) only with includeAudio=true.
   */
  @ApiOperation({ summary: 'Everything stored about the user, streamed as NDJSON' })
  @ApiQuery({
    name: 'includeAudio',
    required: false,
    schema: { type: 'string', enum: ['true', 'false'] },
  })
  @ApiResponse({
    status: 200,
    description: 'One JSON object a line (docs/user-api.md lists the types)',
    content: { 'application/x-ndjson': { schema: exportLineSchema } },
  })
  @ApiErrors({ 400: ['invalid_query'], 401: ['unauthorized'], 429: ['rate_limited'] })
  @Get('export')
  @ExportLimit()
  async export(
    @Req() req: UserRequest,
    @Res() res: Response,
    @Query('includeAudio') includeAudio?: string,
  ): Promise<void> {
    if (includeAudio !== undefined && includeAudio !== 'true' && includeAudio !== 'false') {
      throw invalidQuery('includeAudio must be true or false');
    }
    const userId = user(req);
    res.status(200);
    res.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    res.setHeader('Content-Disposition', 'attachment; filename="companion-export.ndjson"');
    res.setHeader('Cache-Control', 'no-store');
    const out = new NdjsonWriter(res);
    try {
      for await (const line of this.account.export(userId, includeAudio === 'true')) {
        // Backpressure: the client takes each write before the next page is read.
        for await (const piece of ndjsonPieces(line)) if (!(await out.write(piece))) return;
      }
      await out.flush();
    } catch (e) {
      this.logger.error({ userId, err: String(e) }, 'export failed part way');
      if (!res.destroyed) {
        await out.flush().catch(() => false);
        res.write(
          `${JSON.stringify({ type: 'error', code: 'internal', message: 'the export stopped; ask again' })}\n`,
        );
      }
    }
    res.end();
  }

  /**
   * Deletes everything stored about the user: 202 with the status; the work runs on a worker,
   * and a repeat while it runs changes nothing. The user's connections are closed.
   */
  @ApiOperation({ summary: 'Delete everything stored about the user (runs as a job)' })
  @ApiJson(202, 'The deletion asked, and how it goes', deletionSchema)
  @ApiErrors({ 401: ['unauthorized'], 429: ['rate_limited'] })
  @Delete()
  @HttpCode(202)
  async remove(@Req() req: UserRequest) {
    const userId = user(req);
    const { deletion, queue } = await this.account.requestDeletion(userId);
    if (queue) await this.deletionJob.queue(userId);
    return view(deletion);
  }

  /** How the deletion of the user's data goes: pending, running, done (with counts) or failed. */
  @ApiOperation({ summary: "How the deletion of the user's data goes" })
  @ApiJson(200, 'The deletion', deletionSchema)
  @ApiErrors({ 401: ['unauthorized'], 404: ['deletion_not_found'], 429: ['rate_limited'] })
  @Get('deletion')
  async deletion(@Req() req: UserRequest) {
    const deletion = await this.account.deletionStatus(user(req));
    if (!deletion) {
      throw new NotFoundException({ code: 'deletion_not_found', message: 'no deletion was asked' });
    }
    return view(deletion);
  }
}

function view(d: Deletion) {
  return {
    status: d.status,
    requestedAt: d.requestedAt.toISOString(),
    finishedAt: d.finishedAt?.toISOString() ?? null,
    deleted: d.deleted,
  };
}

function user(req: UserRequest): string {
  return req.principal!.userId;
}

function invalidQuery(message: string): BadRequestException {
  return new BadRequestException({ code: 'invalid_query', message });
}

function encodeCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url');
}

function decodeCursor(cursor: string): { at: string; id: string } {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (
      typeof at === 'string' &&
      !Number.isNaN(new Date(at).getTime()) &&
      typeof id === 'string' &&
      /^[0-9a-f-]{36}$/i.test(id)
    ) {
      return { at, id };
    }
  } catch {
    // refused below
  }
  throw invalidQuery('cursor is not one this API gave');
}
