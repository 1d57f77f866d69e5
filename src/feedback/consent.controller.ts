import { Body, Controller, Get, Put, Req, UseGuards } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { z } from 'zod';
import { UserApiLimitsGuard } from '../auth/user-api-limits.guard.js';
import { UserGuard, type UserRequest } from '../auth/user.guard.js';
import { parseHttp } from '../moderation/moderation-http.js';
import { ApiController, ApiErrors, ApiJson, ApiJsonBody } from '../openapi/openapi.decorators.js';
import { FeedbackService } from './feedback.service.js';

export const consentSchema = z.object({ training: z.boolean() }).strict();

const consentView = {
  type: 'object',
  properties: {
    training: { type: 'boolean', description: 'whether conversations may train the model' },
    version: { type: 'string', description: 'the version of the consent text answered' },
    at: { type: 'string', format: 'date-time', nullable: true, description: 'null: never asked' },
  },
} as const;

/**
 * The user's consent to their conversations training the model (docs/model-loop.md): off until
 * they say yes; each answer is kept with its time and the consent text's version, and is part of
 * the user's export.
 */
@Controller('v1/me/consent')
@UseGuards(UserGuard, UserApiLimitsGuard)
@ApiController('me: consent')
export class ConsentController {
  constructor(private readonly feedback: FeedbackService) {}

  @ApiOperation({ summary: "The user's training consent (off when never given)" })
  @ApiJson(200, 'The consent in force', consentView)
  @ApiErrors({ 401: ['unauthorized'], 429: ['rate_limited'] })
  @Get()
  async get(@Req() req: UserRequest) {
    const c = await this.feedback.consent(req.principal!.userId);
    return { training: c.training, version: c.version, at: c.at?.toISOString() ?? null };
  }

  @ApiOperation({ summary: 'Give or withdraw consent to training on the conversations' })
  @ApiJsonBody(consentSchema)
  @ApiJson(200, 'The consent now in force', consentView)
  @ApiErrors({
    400: ['invalid_payload', 'invalid_json'],
    401: ['unauthorized'],
    429: ['rate_limited'],
  })
  @Put()
  async put(@Req() req: UserRequest, @Body() body: unknown) {
    const { training } = parseHttp(consentSchema, body);
    const c = await this.feedback.setConsent(req.principal!.userId, training);
    return { training: c.training, version: c.version, at: c.at.toISOString() };
  }
}
