import { BadRequestException, Controller, Get, Query, Req, UseGuards } from '@nestjs/common';
import { ExportLimit, UserApiLimitsGuard } from '../auth/user-api-limits.guard.js';
import { UserGuard, type UserRequest } from '../auth/user.guard.js';
import { AccountService } from './account.service.js';

/** The user's own data as a whole (docs/user-api.md). Scoped to the token's `sub`. */
@Controller('v1/me')
@UseGuards(UserGuard, UserApiLimitsGuard)
export class AccountController {
  constructor(private readonly account: AccountService) {}

  @Get('export')
  @ExportLimit()
  export(@Req() req: UserRequest, @Query('includeAudio') includeAudio?: string) {
    if (includeAudio !== undefined && includeAudio !== 'true' && includeAudio !== 'false') {
      throw new BadRequestException({
        code: 'invalid_query',
        message: 'includeAudio must be true or false',
      });
    }
    return this.account.export(req.principal!.userId, includeAudio === 'true');
  }
}
