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
import { ApiOperation } from '@nestjs/swagger';
import {
  ApiController,
  ApiErrors,
  ApiJson,
  ApiJsonBody,
  ApiQueryOf,
  ApiUserIdParam,
  ApiUuidParam,
} from '../openapi/openapi.decorators.js';
import type { OperatorRequest } from '../operator/operator.guard.js';
import { parseHttp, userIdParam, uuidParam } from './moderation-http.js';
import {
  appealsQuerySchema,
  labelsSchema,
  pageQuerySchema,
  queueQuerySchema,
  reportQuerySchema,
  resolveAppealSchema,
  reviewSchema,
  userActionSchema,
} from './moderation.protocol.js';
import {
  appealsPageSchema,
  appealViewSchema,
  auditPageSchema,
  crisisReportSchema,
  deletedMessageSchema,
  eventSchema,
  flagDetailSchema,
  flagSchema,
  historySchema,
  queuePageSchema,
  statsSchema,
} from './moderation.openapi.js';
import { ModerationService } from './moderation.service.js';
import {
  CONTENT_ROLES,
  OperatorRolesGuard,
  Roles,
  GUARDED,
  operatorOf,
} from './operator-roles.guard.js';

const FLAG_ID = () => ApiUuidParam('id', "the flag's id");

/** Actions only an admin takes. */
const ADMIN_ACTIONS = new Set(['ban', 'unban']);

/**
 * The moderation API (docs/operator.md): the queue, claims, reviews, actions on users and
 * messages, histories and the audit log. Roles per route; reads of content are audited.
 */
@Controller('v1/operator')
@UseGuards(OperatorRolesGuard)
@ApiController('operator: moderation')
export class OperatorModerationController {
  constructor(private readonly moderation: ModerationService) {}

  @ApiOperation({ summary: 'The queue: flags not closed, most urgent first, a page at a time' })
  @ApiQueryOf(queueQuerySchema)
  @ApiJson(200, 'A page of flags', queuePageSchema)
  @ApiErrors({ 400: ['invalid_payload', 'invalid_cursor'], ...GUARDED })
  @Get('queue')
  @Roles(...CONTENT_ROLES)
  queue(@Query() query: unknown) {
    const q = parseHttp(queueQuerySchema, query);
    return this.moderation.queue({ ...q, limit: q.limit ?? 50 });
  }

  @ApiOperation({ summary: 'Counts of flags by status, kind and priority (names no one)' })
  @ApiJson(200, 'The counts', statsSchema)
  @ApiErrors(GUARDED)
  @Get('stats')
  @Roles('moderator', 'admin', 'analyst')
  stats() {
    return this.moderation.stats();
  }

  @ApiOperation({
    summary: "The year's crisis referral counts (California SB 243's annual report)",
  })
  @ApiQueryOf(reportQuerySchema)
  @ApiJson(200, 'The counts', crisisReportSchema)
  @ApiErrors({ 400: ['invalid_payload'], ...GUARDED })
  @Get('reports/crisis-referrals')
  @Roles('admin', 'analyst')
  crisisReport(@Query() query: unknown) {
    return this.moderation.crisisReport(parseHttp(reportQuerySchema, query).year);
  }

  @ApiOperation({ summary: 'A flag, the message it is about and its events (audited)' })
  @FLAG_ID()
  @ApiJson(200, 'The flag', flagDetailSchema)
  @ApiErrors({ 400: ['invalid_id'], ...GUARDED, 404: ['flag_not_found'] })
  @Get('flags/:id')
  @Roles(...CONTENT_ROLES)
  flag(@Param('id') id: string, @Req() req: OperatorRequest) {
    return this.moderation.flag(uuidParam('id', id), operatorOf(req));
  }

  @ApiOperation({ summary: 'Claim a flag for MODERATION_CLAIM_MIN minutes (again to renew)' })
  @FLAG_ID()
  @ApiJson(200, 'The claimed flag', flagSchema)
  @ApiErrors({
    400: ['invalid_id'],
    ...GUARDED,
    404: ['flag_not_found'],
    409: ['already_claimed', 'flag_closed'],
  })
  @Post('flags/:id/claim')
  @HttpCode(200)
  @Roles(...CONTENT_ROLES)
  claim(@Param('id') id: string, @Req() req: OperatorRequest) {
    return this.moderation.claim(uuidParam('id', id), operatorOf(req));
  }

  @ApiOperation({ summary: 'Resolve a flag (closed; its claim let go)' })
  @FLAG_ID()
  @ApiJsonBody(reviewSchema, false)
  @ApiJson(200, 'The closed flag', flagSchema)
  @ApiErrors({
    400: ['invalid_id', 'invalid_payload', 'invalid_json'],
    ...GUARDED,
    404: ['flag_not_found'],
  })
  @Post('flags/:id/resolve')
  @HttpCode(200)
  @Roles(...CONTENT_ROLES)
  resolve(@Param('id') id: string, @Body() body: unknown, @Req() req: OperatorRequest) {
    return this.moderation.review(
      uuidParam('id', id),
      operatorOf(req),
      'resolve',
      parseHttp(reviewSchema, body),
    );
  }

  @ApiOperation({ summary: 'Escalate a flag' })
  @FLAG_ID()
  @ApiJsonBody(reviewSchema, false)
  @ApiJson(200, 'The escalated flag', flagSchema)
  @ApiErrors({
    400: ['invalid_id', 'invalid_payload', 'invalid_json'],
    ...GUARDED,
    404: ['flag_not_found'],
  })
  @Post('flags/:id/escalate')
  @HttpCode(200)
  @Roles(...CONTENT_ROLES)
  escalate(@Param('id') id: string, @Body() body: unknown, @Req() req: OperatorRequest) {
    return this.moderation.review(
      uuidParam('id', id),
      operatorOf(req),
      'escalate',
      parseHttp(reviewSchema, body),
    );
  }

  @ApiOperation({ summary: 'Add or remove labels (tags) on a flag; the queue filters by label' })
  @FLAG_ID()
  @ApiJsonBody(labelsSchema)
  @ApiJson(200, 'The flag with its labels', flagSchema)
  @ApiErrors({
    400: ['invalid_id', 'invalid_payload', 'invalid_json'],
    ...GUARDED,
    404: ['flag_not_found'],
    409: ['too_many_labels'],
  })
  @Post('flags/:id/labels')
  @HttpCode(200)
  @Roles(...CONTENT_ROLES)
  label(@Param('id') id: string, @Body() body: unknown, @Req() req: OperatorRequest) {
    return this.moderation.label(
      uuidParam('id', id),
      operatorOf(req),
      parseHttp(labelsSchema, body),
    );
  }

  @ApiOperation({ summary: "Users' appeals, oldest first: open (default) or resolved (audited)" })
  @ApiQueryOf(appealsQuerySchema)
  @ApiJson(200, 'A page of appeals', appealsPageSchema)
  @ApiErrors({ 400: ['invalid_payload'], ...GUARDED })
  @Get('appeals')
  @Roles(...CONTENT_ROLES)
  appeals(@Query() query: unknown, @Req() req: OperatorRequest) {
    const q = parseHttp(appealsQuerySchema, query);
    return this.moderation.appeals(q.status ?? 'open', operatorOf(req), q.limit ?? 50, q.after);
  }

  @ApiOperation({
    summary: 'Answer an appeal (upheld or overturned) with a comment the user reads',
  })
  @ApiUuidParam('id', "the appeal's id")
  @ApiJsonBody(resolveAppealSchema)
  @ApiJson(200, 'The appeal and its resolution', appealViewSchema)
  @ApiErrors({
    400: ['invalid_id', 'invalid_payload', 'invalid_json'],
    ...GUARDED,
    404: ['appeal_not_found'],
    409: ['appeal_already_resolved'],
  })
  @Post('appeals/:id/resolve')
  @HttpCode(200)
  @Roles(...CONTENT_ROLES)
  resolveAppeal(@Param('id') id: string, @Body() body: unknown, @Req() req: OperatorRequest) {
    return this.moderation.resolveAppeal(
      uuidParam('id', id),
      operatorOf(req),
      parseHttp(resolveAppealSchema, body),
    );
  }

  @ApiOperation({
    summary: 'Act on a user: comment, warn, mute, unmute, suspend; ban and unban (admin only)',
  })
  @ApiUserIdParam()
  @ApiJsonBody(userActionSchema)
  @ApiJson(201, 'The stored event', eventSchema)
  @ApiErrors({ 400: ['invalid_id', 'invalid_payload', 'invalid_json'], ...GUARDED })
  @Post('users/:userId/actions')
  @HttpCode(201)
  @Roles(...CONTENT_ROLES)
  act(@Param('userId') userId: string, @Body() body: unknown, @Req() req: OperatorRequest) {
    const input = parseHttp(userActionSchema, body);
    const who = operatorOf(req);
    if (ADMIN_ACTIONS.has(input.action) && !who.roles.includes('admin')) {
      throw new ForbiddenException({
        code: 'forbidden',
        message: `${input.action} needs the admin role`,
      });
    }
    return this.moderation.actOnUser(userIdParam(userId), who, input);
  }

  @ApiOperation({ summary: "Delete a message (a tombstone), telling the user's devices" })
  @ApiUuidParam('id', "the message's id")
  @ApiJsonBody(reviewSchema, false)
  @ApiJson(
    200,
    'The stored event; `alreadyDeleted` when it was deleted before',
    deletedMessageSchema,
  )
  @ApiErrors({
    400: ['invalid_id', 'invalid_payload', 'invalid_json'],
    ...GUARDED,
    404: ['message_not_found'],
  })
  @Delete('messages/:id')
  @HttpCode(200)
  @Roles(...CONTENT_ROLES)
  deleteMessage(@Param('id') id: string, @Body() body: unknown, @Req() req: OperatorRequest) {
    return this.moderation.deleteMessage(
      uuidParam('id', id),
      operatorOf(req),
      parseHttp(reviewSchema, body),
    );
  }

  @ApiOperation({ summary: "A user's restriction in force and events, newest first (audited)" })
  @ApiUserIdParam()
  @ApiQueryOf(pageQuerySchema)
  @ApiJson(200, "The user's history", historySchema)
  @ApiErrors({ 400: ['invalid_id', 'invalid_payload'], ...GUARDED })
  @Get('subjects/user/:userId/events')
  @Roles(...CONTENT_ROLES)
  history(@Param('userId') userId: string, @Query() query: unknown, @Req() req: OperatorRequest) {
    const q = parseHttp(pageQuerySchema, query);
    return this.moderation.userHistory(
      userIdParam(userId),
      operatorOf(req),
      q.limit ?? 50,
      q.before,
    );
  }

  @ApiOperation({ summary: 'The operator audit log, newest first' })
  @ApiQueryOf(pageQuerySchema)
  @ApiJson(200, 'A page of the log', auditPageSchema)
  @ApiErrors({ 400: ['invalid_payload'], ...GUARDED })
  @Get('audit')
  @Roles('admin')
  audit(@Query() query: unknown) {
    const q = parseHttp(pageQuerySchema, query);
    return this.moderation.auditLog(q.limit ?? 50, q.before);
  }
}
