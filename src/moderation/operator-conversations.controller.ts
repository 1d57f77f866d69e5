import {
  Body,
  Controller,
  Delete,
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
  conversationViewSchema,
  memoriesSchema,
  operatorMessageSchema as operatorMessageView,
  takeoverSchema,
} from './moderation.openapi.js';
import {
  conversationPageQuerySchema,
  operatorMessageSchema,
  reviewSchema,
} from './moderation.protocol.js';
import {
  CONTENT_ROLES,
  OperatorRolesGuard,
  Roles,
  GUARDED,
  operatorOf,
} from './operator-roles.guard.js';
import { OperatorConversationsService } from './operator-conversations.service.js';

const CONVERSATION_ID = () => ApiUuidParam('id', "the conversation's id");

/**
 * Operators in a conversation (docs/operator.md#takeover): reading it (audited), taking it over
 * so the model pauses, writing to the user, handing it back; and the user's memories.
 */
@Controller('v1/operator')
@UseGuards(OperatorRolesGuard)
@ApiController('operator: conversations')
export class OperatorConversationsController {
  constructor(private readonly conversations: OperatorConversationsService) {}

  @ApiOperation({
    summary: 'A conversation: messages (newest first), mood timeline, takeover, events (audited)',
  })
  @CONVERSATION_ID()
  @ApiQueryOf(conversationPageQuerySchema)
  @ApiJson(200, 'The conversation', conversationViewSchema)
  @ApiErrors({
    400: ['invalid_id', 'invalid_payload'],
    ...GUARDED,
    404: ['conversation_not_found'],
  })
  @Get('conversations/:id')
  @Roles(...CONTENT_ROLES)
  view(@Param('id') id: string, @Query() query: unknown, @Req() req: OperatorRequest) {
    const q = parseHttp(conversationPageQuerySchema, query);
    return this.conversations.view(uuidParam('id', id), operatorOf(req), {
      limit: q.limit ?? 50,
      beforeSeq: q.beforeSeq,
    });
  }

  @ApiOperation({ summary: 'Take a conversation over: the model pauses in it until handed back' })
  @CONVERSATION_ID()
  @ApiJsonBody(reviewSchema, false)
  @ApiJson(200, 'Who holds it now', takeoverSchema)
  @ApiErrors({
    400: ['invalid_id', 'invalid_payload', 'invalid_json'],
    ...GUARDED,
    404: ['conversation_not_found'],
    409: ['already_taken_over'],
  })
  @Post('conversations/:id/takeover')
  @HttpCode(200)
  @Roles(...CONTENT_ROLES)
  takeOver(@Param('id') id: string, @Body() body: unknown, @Req() req: OperatorRequest) {
    const input = parseHttp(reviewSchema, body);
    return this.conversations.takeOver(uuidParam('id', id), operatorOf(req), input.reason);
  }

  @ApiOperation({
    summary: 'Hand a conversation back to the model (its holder; an admin for anyone)',
  })
  @CONVERSATION_ID()
  @ApiJsonBody(reviewSchema, false)
  @ApiJson(200, 'No one holds it now', takeoverSchema)
  @ApiErrors({
    400: ['invalid_id', 'invalid_payload', 'invalid_json'],
    ...GUARDED,
    404: ['conversation_not_found'],
    409: ['not_taken_over'],
  })
  @Delete('conversations/:id/takeover')
  @HttpCode(200)
  @Roles(...CONTENT_ROLES)
  handBack(@Param('id') id: string, @Body() body: unknown, @Req() req: OperatorRequest) {
    const input = parseHttp(reviewSchema, body);
    return this.conversations.handBack(uuidParam('id', id), operatorOf(req), input.reason);
  }

  @ApiOperation({
    summary:
      "Write to the user in a conversation you hold (an assistant message, source 'operator')",
  })
  @CONVERSATION_ID()
  @ApiJsonBody(operatorMessageSchema)
  @ApiJson(201, 'The stored message, as the user receives it', operatorMessageView)
  @ApiErrors({
    400: ['invalid_id', 'invalid_payload', 'invalid_json'],
    ...GUARDED,
    404: ['conversation_not_found'],
    409: ['not_taken_over'],
  })
  @Post('conversations/:id/messages')
  @HttpCode(201)
  @Roles(...CONTENT_ROLES)
  send(@Param('id') id: string, @Body() body: unknown, @Req() req: OperatorRequest) {
    const input = parseHttp(operatorMessageSchema, body);
    return this.conversations.send(uuidParam('id', id), operatorOf(req), input.text);
  }

  @ApiOperation({ summary: "The user's current memories (audited)" })
  @ApiUserIdParam()
  @ApiJson(200, 'The memories', memoriesSchema)
  @ApiErrors({ 400: ['invalid_id'], ...GUARDED })
  @Get('users/:userId/memories')
  @Roles(...CONTENT_ROLES)
  memories(@Param('userId') userId: string, @Req() req: OperatorRequest) {
    return this.conversations.userMemories(userIdParam(userId), operatorOf(req));
  }
}
