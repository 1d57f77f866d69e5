import {
  Body,
  Controller,
  Delete,
  ForbiddenException,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import type { Principal } from '../auth/token-verifier.js';
import type { OperatorRequest } from '../operator/operator.guard.js';
import { parseHttp, userIdParam, uuidParam } from './moderation-http.js';
import {
  pageQuerySchema,
  queueQuerySchema,
  reviewSchema,
  userActionSchema,
} from './moderation.protocol.js';
import { ModerationService } from './moderation.service.js';
import { CONTENT_ROLES, OperatorRolesGuard, Roles } from './operator-roles.guard.js';

/** Actions only an admin takes. */
const ADMIN_ACTIONS = new Set(['ban', 'unban']);

/**
 * The moderation API (docs/operator.md): the queue, claims, reviews, actions on users and
 * messages, histories and the audit log. Roles per route; reads of content are audited.
 */
@Controller('v1/operator')
@UseGuards(OperatorRolesGuard)
export class OperatorModerationController {
  constructor(private readonly moderation: ModerationService) {}

  @Get('queue')
  @Roles(...CONTENT_ROLES)
  queue(@Query() query: unknown) {
    const q = parseHttp(queueQuerySchema, query);
    return this.moderation.queue({ ...q, limit: q.limit ?? 50 });
  }

  @Get('stats')
  @Roles('moderator', 'admin', 'analyst')
  stats() {
    return this.moderation.stats();
  }

  @Get('flags/:id')
  @Roles(...CONTENT_ROLES)
  flag(@Param('id') id: string, @Req() req: OperatorRequest) {
    return this.moderation.flag(uuidParam('id', id), operator(req));
  }

  @Post('flags/:id/claim')
  @HttpCode(200)
  @Roles(...CONTENT_ROLES)
  claim(@Param('id') id: string, @Req() req: OperatorRequest) {
    return this.moderation.claim(uuidParam('id', id), operator(req));
  }

  @Post('flags/:id/resolve')
  @HttpCode(200)
  @Roles(...CONTENT_ROLES)
  resolve(@Param('id') id: string, @Body() body: unknown, @Req() req: OperatorRequest) {
    return this.moderation.review(
      uuidParam('id', id),
      operator(req),
      'resolve',
      parseHttp(reviewSchema, body),
    );
  }

  @Post('flags/:id/escalate')
  @HttpCode(200)
  @Roles(...CONTENT_ROLES)
  escalate(@Param('id') id: string, @Body() body: unknown, @Req() req: OperatorRequest) {
    return this.moderation.review(
      uuidParam('id', id),
      operator(req),
      'escalate',
      parseHttp(reviewSchema, body),
    );
  }

  @Post('users/:userId/actions')
  @HttpCode(201)
  @Roles(...CONTENT_ROLES)
  act(@Param('userId') userId: string, @Body() body: unknown, @Req() req: OperatorRequest) {
    const input = parseHttp(userActionSchema, body);
    const who = operator(req);
    if (ADMIN_ACTIONS.has(input.action) && !who.roles.includes('admin')) {
      throw new ForbiddenException({
        code: 'forbidden',
        message: `${input.action} needs the admin role`,
      });
    }
    return this.moderation.actOnUser(userIdParam(userId), who, input);
  }

  @Delete('messages/:id')
  @HttpCode(200)
  @Roles(...CONTENT_ROLES)
  deleteMessage(@Param('id') id: string, @Body() body: unknown, @Req() req: OperatorRequest) {
    return this.moderation.deleteMessage(
      uuidParam('id', id),
      operator(req),
      parseHttp(reviewSchema, body),
    );
  }

  @Get('subjects/user/:userId/events')
  @Roles(...CONTENT_ROLES)
  history(@Param('userId') userId: string, @Query() query: unknown, @Req() req: OperatorRequest) {
    const q = parseHttp(pageQuerySchema, query);
    return this.moderation.userHistory(userIdParam(userId), operator(req), q.limit ?? 50, q.before);
  }

  @Get('audit')
  @Roles('admin')
  audit(@Query() query: unknown) {
    const q = parseHttp(pageQuerySchema, query);
    return this.moderation.auditLog(q.limit ?? 50, q.before);
  }
}

function operator(req: OperatorRequest): Principal {
  return req.operator!;
}
