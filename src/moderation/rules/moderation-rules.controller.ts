import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Req,
  UseGuards,
} from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import {
  ApiController,
  ApiErrors,
  ApiJson,
  ApiJsonBody,
  ApiUuidParam,
} from '../../openapi/openapi.decorators.js';
import type { OperatorRequest } from '../../operator/operator.guard.js';
import { parseHttp, uuidParam } from '../moderation-http.js';
import { ruleDeletedSchema, ruleSchema, rulesSchema } from '../moderation.openapi.js';
import { createRuleSchema, updateRuleSchema } from '../moderation.protocol.js';
import { OperatorRolesGuard, Roles, GUARDED, operatorOf } from '../operator-roles.guard.js';
import { ModerationRulesService } from './moderation-rules.service.js';

const RULE_ID = () => ApiUuidParam('id', "the rule's id");

/** The keyword and regex rules (docs/operator.md#rules): admins only; every change audited. */
@Controller('v1/operator/rules')
@UseGuards(OperatorRolesGuard)
@ApiController('operator: rules')
export class ModerationRulesController {
  constructor(private readonly rules: ModerationRulesService) {}

  @ApiOperation({ summary: 'Every rule, enabled or not, most urgent first' })
  @ApiJson(200, 'The rules', rulesSchema)
  @ApiErrors(GUARDED)
  @Get()
  @Roles('admin')
  async list() {
    return { rules: await this.rules.list() };
  }

  @ApiOperation({
    summary: 'Add a rule: `block` refuses matching messages, `flag` raises a flag for the queue',
  })
  @ApiJsonBody(createRuleSchema)
  @ApiJson(
    201,
    'The stored rule (in force on every process within the refresh interval)',
    ruleSchema,
  )
  @ApiErrors({
    400: ['invalid_payload', 'invalid_json', 'invalid_rule', 'too_many_rules'],
    ...GUARDED,
  })
  @Post()
  @HttpCode(201)
  @Roles('admin')
  create(@Body() body: unknown, @Req() req: OperatorRequest) {
    return this.rules.create(parseHttp(createRuleSchema, body), operatorOf(req));
  }

  @ApiOperation({ summary: 'Change a rule (enable, disable, edit)' })
  @RULE_ID()
  @ApiJsonBody(updateRuleSchema)
  @ApiJson(200, 'The changed rule', ruleSchema)
  @ApiErrors({
    400: ['invalid_id', 'invalid_payload', 'invalid_json', 'invalid_rule'],
    ...GUARDED,
    404: ['rule_not_found'],
  })
  @Patch(':id')
  @Roles('admin')
  update(@Param('id') id: string, @Body() body: unknown, @Req() req: OperatorRequest) {
    return this.rules.update(
      uuidParam('id', id),
      parseHttp(updateRuleSchema, body),
      operatorOf(req),
    );
  }

  @ApiOperation({ summary: 'Delete a rule' })
  @RULE_ID()
  @ApiJson(200, 'Deleted', ruleDeletedSchema)
  @ApiErrors({ 400: ['invalid_id'], ...GUARDED, 404: ['rule_not_found'] })
  @Delete(':id')
  @HttpCode(200)
  @Roles('admin')
  remove(@Param('id') id: string, @Req() req: OperatorRequest) {
    return this.rules.remove(uuidParam('id', id), operatorOf(req));
  }
}
