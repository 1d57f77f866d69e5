import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  Get,
  HttpCode,
  Logger,
  NotFoundException,
  Param,
  Post,
  Put,
  UseGuards,
} from '@nestjs/common';
import { ApiOperation, ApiParam } from '@nestjs/swagger';
import { parseHttp } from '../../moderation/moderation-http.js';
import { OperatorRolesGuard, Roles, GUARDED } from '../../moderation/operator-roles.guard.js';
import {
  ApiController,
  ApiErrors,
  ApiJson,
  ApiJsonBody,
  type SchemaObject,
} from '../../openapi/openapi.decorators.js';
import { experimentDefinitionSchema } from './experiment-definition.js';
import { ExperimentRepository, type ExperimentRow } from './experiment.repository.js';
import { AnalyticsService } from '../../analytics/analytics.service.js';
import { ExperimentResultsService } from './experiment-results.service.js';
import { ExperimentsService } from './experiments.service.js';

const KEY = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const experimentView: SchemaObject = {
  type: 'object',
  properties: {
    key: { type: 'string' },
    status: { type: 'string', enum: ['draft', 'running', 'stopped'] },
    definition: { type: 'object', additionalProperties: true },
    stoppedVariants: { type: 'array', items: { type: 'string' } },
    stopReasons: { type: 'object', additionalProperties: { type: 'string' } },
    startedAt: { type: 'string', format: 'date-time', nullable: true },
    stoppedAt: { type: 'string', format: 'date-time', nullable: true },
  },
};
const resultsView: SchemaObject = {
  type: 'object',
  description:
    'Per variant: users, rated turns, rates, Bayesian and frequentist comparisons; the SRM check',
  additionalProperties: true,
};
const KEY_PARAM = () => ApiParam({ name: 'key', schema: { type: 'string', pattern: KEY.source } });

/**
 * Experiments (docs/model-loop.md): admins define, start and stop them; admins and analysts read
 * the results. A change reaches every pod within a few seconds (they re-read in the background).
 */
@Controller('v1/operator/experiments')
@UseGuards(OperatorRolesGuard)
@ApiController('operator: model loop')
export class ExperimentsController {
  private readonly logger = new Logger(ExperimentsController.name);

  constructor(
    private readonly repo: ExperimentRepository,
    private readonly running: ExperimentsService,
    private readonly results: ExperimentResultsService,
    private readonly analytics: AnalyticsService,
  ) {}

  @ApiOperation({ summary: 'Every experiment and its status' })
  @ApiJson(200, 'The experiments', {
    type: 'object',
    properties: { experiments: { type: 'array', items: experimentView } },
  })
  @ApiErrors(GUARDED)
  @Get()
  @Roles('admin', 'analyst')
  async list() {
    return { experiments: (await this.repo.list()).map(view) };
  }

  @ApiOperation({ summary: 'Define an experiment (its routes must be in the routing file)' })
  @ApiJsonBody(experimentDefinitionSchema)
  @ApiJson(201, 'The experiment', experimentView)
  @ApiErrors({ 400: ['invalid_payload', 'invalid_json'], ...GUARDED, 409: ['experiment_exists'] })
  @Post()
  @Roles('admin')
  async create(@Body() body: unknown) {
    const def = parseHttp(experimentDefinitionSchema, body);
    if (!(await this.repo.create(def))) {
      throw new ConflictException({
        code: 'experiment_exists',
        message: `an experiment ${def.key} exists`,
      });
    }
    await this.running.reload();
    return view((await this.repo.find(def.key))!);
  }

  @ApiOperation({ summary: "Change an experiment's definition (split, targeting, guardrails)" })
  @KEY_PARAM()
  @ApiJsonBody(experimentDefinitionSchema)
  @ApiJson(200, 'The experiment', experimentView)
  @ApiErrors({
    400: ['invalid_payload', 'invalid_json', 'invalid_id'],
    ...GUARDED,
    404: ['experiment_not_found'],
  })
  @Put(':key')
  @Roles('admin')
  async update(@Param('key') key: string, @Body() body: unknown) {
    const def = parseHttp(experimentDefinitionSchema, { ...(body as object), key: keyParam(key) });
    const row = await this.repo.update(def);
    if (!row) throw notFound(key);
    await this.running.reload();
    return view(row);
  }

  @ApiOperation({ summary: 'Start an experiment (assignment begins at the next turn)' })
  @KEY_PARAM()
  @ApiJson(200, 'The experiment', experimentView)
  @ApiErrors({ 400: ['invalid_id'], ...GUARDED, 404: ['experiment_not_found'] })
  @Post(':key/start')
  @HttpCode(200)
  @Roles('admin')
  start(@Param('key') key: string) {
    return this.setStatus(key, 'running');
  }

  @ApiOperation({ summary: 'Stop an experiment (every user gets the default routing again)' })
  @KEY_PARAM()
  @ApiJson(200, 'The experiment', experimentView)
  @ApiErrors({ 400: ['invalid_id'], ...GUARDED, 404: ['experiment_not_found'] })
  @Post(':key/stop')
  @HttpCode(200)
  @Roles('admin')
  stop(@Param('key') key: string) {
    return this.setStatus(key, 'stopped');
  }

  @ApiOperation({ summary: 'Results per variant against the control, and the sample-ratio check' })
  @KEY_PARAM()
  @ApiJson(200, 'The results', resultsView)
  @ApiErrors({ 400: ['invalid_id'], ...GUARDED, 404: ['experiment_not_found'] })
  @Get(':key/results')
  @Roles('admin', 'analyst')
  async read(@Param('key') key: string) {
    const r = await this.results.results(keyParam(key));
    if (!r) throw notFound(key);
    // Return by variant from the retention roll-ups when they have it (docs/analytics.md); the
    // proxy from the variant's own replies otherwise.
    const row = await this.repo.find(key);
    const rolled = row?.startedAt
      ? await this.analytics.returnByVariant(key, row.startedAt).catch((e: unknown) => {
          this.logger.warn({ experiment: key, err: String(e) }, 'return by variant unavailable');
          return null;
        })
      : null;
    return {
      ...r,
      variants: r.variants.map((v) => {
        const a = rolled?.get(v.variant);
        return a
          ? { ...v, d1Return: a.d1, d7Return: a.d7, returnFrom: 'analytics' as const }
          : { ...v, returnFrom: 'replies' as const };
      }),
    };
  }

  private async setStatus(key: string, status: 'running' | 'stopped') {
    const row = await this.repo.setStatus(keyParam(key), status);
    if (!row) throw notFound(key);
    await this.running.reload();
    return view(row);
  }
}

function keyParam(key: string): string {
  if (!KEY.test(key))
    throw new BadRequestException({ code: 'invalid_id', message: 'not an experiment key' });
  return key;
}

function notFound(key: string): NotFoundException {
  return new NotFoundException({
    code: 'experiment_not_found',
    message: `no experiment ${key.slice(0, 64)}`,
  });
}

function view(e: ExperimentRow) {
  return {
    key: e.key,
    status: e.status,
    definition: e.definition,
    stoppedVariants: e.stoppedVariants,
    stopReasons: e.stopReasons,
    startedAt: e.startedAt?.toISOString() ?? null,
    stoppedAt: e.stoppedAt?.toISOString() ?? null,
  };
}
