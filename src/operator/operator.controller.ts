import {
  BadRequestException,
  Controller,
  Get,
  NotFoundException,
  Param,
  Req,
  UseGuards,
} from '@nestjs/common';
import { TurnTracesService } from '../turn/turn-traces.service.js';
import { OperatorAuditRepository } from './operator-audit.repository.js';
import { OperatorGuard, type OperatorRequest } from './operator.guard.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The operator API (docs/operator-api.md). Every read of a user's data is audited. */
@Controller('v1/operator')
@UseGuards(OperatorGuard)
export class OperatorController {
  constructor(
    private readonly traces: TurnTracesService,
    private readonly audit: OperatorAuditRepository,
  ) {}

  /** Why a reply said what it said: by the reply's id, or by the user message it answers. */
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
    return { ...found.trace, messages: found.messages };
  }
}
