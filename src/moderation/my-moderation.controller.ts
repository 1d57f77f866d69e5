import { Controller, Get, Query, Req, UseGuards } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { ApiController, ApiErrors, ApiJson, ApiQueryOf } from '../openapi/openapi.decorators.js';
import { UserApiLimitsGuard } from '../auth/user-api-limits.guard.js';
import { UserGuard, type UserRequest } from '../auth/user.guard.js';
import { parseHttp } from './moderation-http.js';
import { pageQuerySchema } from './moderation.protocol.js';
import { myModerationSchema } from './moderation.openapi.js';
import { ModerationService } from './moderation.service.js';

const MINE_QUERY = pageQuerySchema.pick({ limit: true });

/** What was done about the user's own account (docs/user-api.md), without operators' ids. */
@Controller('v1/me')
@UseGuards(UserGuard, UserApiLimitsGuard)
@ApiController('me: moderation')
export class MyModerationController {
  constructor(private readonly moderation: ModerationService) {}

  @ApiOperation({ summary: 'What moderators did about the account, newest first, not who' })
  @ApiQueryOf(MINE_QUERY)
  @ApiJson(200, 'The actions', myModerationSchema)
  @ApiErrors({ 400: ['invalid_payload'], 401: ['unauthorized'], 429: ['rate_limited'] })
  @Get('moderation')
  mine(@Req() req: UserRequest, @Query() query: unknown) {
    const q = parseHttp(MINE_QUERY, query);
    return this.moderation.mine(req.principal!.userId, q.limit ?? 50);
  }
}
