import { BadRequestException, Body, Controller, Put, Req, UseGuards } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { z } from 'zod';
import {
  ApiController,
  ApiErrors,
  ApiJson,
  ApiJsonBody,
  schemaOf,
} from '../openapi/openapi.decorators.js';
import { UserApiLimitsGuard } from '../auth/user-api-limits.guard.js';
import { UserGuard, type UserRequest } from '../auth/user.guard.js';
import { SafetyService } from './safety.service.js';

const profileSchema = z.object({ ageBand: z.enum(['minor', 'adult']) }).strict();

/**
 * What the app knows of the user that safety needs (docs/user-api.md): the age band, for minors
 * mode. The token's `age_band` claim, when it has one, wins over what the app sets here.
 */
@Controller('v1/me')
@UseGuards(UserGuard, UserApiLimitsGuard)
@ApiController('me: profile')
export class ProfileController {
  constructor(private readonly safety: SafetyService) {}

  @ApiOperation({ summary: 'Set the age band (minors mode from the next message)' })
  @ApiJsonBody(profileSchema)
  @ApiJson(200, 'The age band set', schemaOf(profileSchema))
  @ApiErrors({
    400: ['invalid_payload', 'invalid_json'],
    401: ['unauthorized'],
    429: ['rate_limited'],
  })
  @Put('profile')
  async setProfile(@Req() req: UserRequest, @Body() body: unknown) {
    const parsed = profileSchema.safeParse(body);
    if (!parsed.success) {
      throw new BadRequestException({
        code: 'invalid_payload',
        message: 'the body must be {"ageBand": "minor" | "adult"}',
      });
    }
    await this.safety.setAgeBand(req.principal!.userId, parsed.data.ageBand);
    return { ageBand: parsed.data.ageBand };
  }
}
