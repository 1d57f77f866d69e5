import { Controller, Get, Query, Req, UseGuards } from '@nestjs/common';
import { UserApiLimitsGuard } from '../auth/user-api-limits.guard.js';
import { UserGuard, type UserRequest } from '../auth/user.guard.js';
import { parseHttp } from './moderation-http.js';
import { pageQuerySchema } from './moderation.protocol.js';
import { ModerationService } from './moderation.service.js';

/** What was done about the user's own account (docs/user-api.md), without operators' ids. */
@Controller('v1/me')
@UseGuards(UserGuard, UserApiLimitsGuard)
export class MyModerationController {
  constructor(private readonly moderation: ModerationService) {}

  @Get('moderation')
  mine(@Req() req: UserRequest, @Query() query: unknown) {
    const q = parseHttp(pageQuerySchema.pick({ limit: true }), query);
    return this.moderation.mine(req.principal!.userId, q.limit ?? 50);
  }
}
