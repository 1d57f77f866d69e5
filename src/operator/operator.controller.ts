import {
  BadRequestException,
  Controller,
  Get,
  NotFoundException,
  Param,
  Req,
  UseGuards,
} from '@nestjs/common';
import { ApiOperation, ApiParam } from '@nestjs/swagger';
import { ApiController, ApiErrors, ApiJson } from '../openapi/openapi.decorators.js';
import { FeedbackRepository } from '../feedback/feedback.repository.js';
import { TurnTracesService } from '../turn/turn-traces.service.js';
import { OperatorAuditRepository } from './operator-audit.repository.js';
import { OperatorGuard, type OperatorRequest } from './operator.guard.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The operator API (docs/operator-api.md). Every read of a user's data is audited. */
@Controller('v1/operator')
@UseGuards(OperatorGuard)
@ApiController('operator: traces')
export class OperatorController {
  constructor(
    private readonly traces: TurnTracesService,
    private readonly audit: OperatorAuditRepository,
    private readonly feedback: FeedbackRepository,
  ) {}

  /** Why a reply said what it said: by the reply's id, or by the user message it answers. */
  @ApiOperation({ summary: 'Why a reply said what it said: its turn trace (audited)' })
  @ApiParam({
    name: 'messageId',
    description: "the reply's id, or the user message it answers (then its latest reply)",
    schema: { type: 'string', format: 'uuid' },
  })
  @ApiJson(200, 'The trace and the prompt as the model received it', {
    type: 'object',
    description: 'docs/operator-api.md',
    properties: {
      version: { type: 'integer' },
      turnId: { type: 'string' },
      replyId: { type: 'string' },
      userId: { type: 'string' },
      conversationId: { type: 'string' },
      status: { type: 'string' },
      model: { type: 'string' },
      promptVersion: { type: 'string' },
      messages: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            role: { type: 'string' },
            content: { type: 'string' },
          },
        },
      },
      reactions: {
        type: 'array',
        description: 'what the user did about the reply, oldest first (docs/model-loop.md)',
        items: {
          type: 'object',
          properties: {
            kind: { type: 'string', enum: ['rating', 'edit', 'regenerate', 'choose', 'followup'] },
            rating: { type: 'string', nullable: true },
            reason: { type: 'string', nullable: true },
            text: { type: 'string', nullable: true },
            at: { type: 'string', format: 'date-time' },
          },
        },
      },
    },
    additionalProperties: true,
  })
  @ApiErrors({
    400: ['invalid_id'],
    401: ['unauthorized'],
    403: ['forbidden'],
    404: ['trace_not_found'],
  })
  @Get('turns/:messageId/trace')
  async trace(@Param('messageId') messageId: string, @Req() request: OperatorRequest) {
    if (!UUID.test(messageId))
      throw new BadRequestException({ code: 'invalid_id', message: 'messageId must be a UUID' });
    const found = await this.traces.find(messageId);
    if (!found)
      throw new NotFoundException({
        code: 'trace_not_found',
        message: 'no reply with a trace for this message',
      });
    await this.audit.record({
      operatorId: request.operator!.userId,
      action: 'turn_trace.read',
      targetId: found.trace.replyId,
      subjectUserId: found.trace.userId,
    });
    // What the user did about the reply (thumbs, edits, regenerates, choices), by its id.
    const reactions = await this.feedback.actsOf(found.trace.replyId);
    return { ...found.trace, messages: found.messages, reactions };
  }
}
