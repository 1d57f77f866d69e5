import { Controller, Get, Logger, Query, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { parseHttp } from '../../moderation/moderation-http.js';
import { OperatorRolesGuard, Roles } from '../../moderation/operator-roles.guard.js';
import { ApiController, ApiErrors, ApiQueryOf } from '../../openapi/openapi.decorators.js';
import { datasetRecords, DigestCounter, emptyStats } from './dataset-export.js';
import { datasetSources } from './write-dataset.js';

const date = z
  .string()
  .max(40)
  .refine((v) => !Number.isNaN(new Date(v).getTime()), 'an ISO 8601 date or time');

export const datasetQuerySchema = z
  .object({
    kind: z.enum(['sft', 'dpo', 'kto']),
    since: date,
    until: date,
    format: z.enum(['trl', 'sharegpt']).default('trl'),
    split: z.enum(['train', 'validation']).default('train'),
    validation: z.coerce.number().min(0).max(0.5).default(0.05),
  })
  .strict();

/**
 * Training data for admins (docs/model-loop.md): the records of one split streamed as JSON Lines,
 * the same as `npm run dataset:export` writes; the count and the SHA-256 of what was sent come as
 * HTTP trailers (`X-Dataset-Records`, `X-Dataset-Sha256`).
 */
@Controller('v1/operator/dataset')
@UseGuards(OperatorRolesGuard)
@ApiController('operator: model loop')
export class DatasetController {
  private readonly logger = new Logger(DatasetController.name);

  constructor(private readonly db: DataSource) {}

  @ApiOperation({ summary: 'Training records of consenting users, streamed as JSON Lines' })
  @ApiQueryOf(datasetQuerySchema)
  @ApiResponse({
    status: 200,
    description: "One record a line in TRL's conversational format (or sharegpt)",
    content: { 'application/x-ndjson': { schema: { type: 'object', additionalProperties: true } } },
  })
  @ApiErrors({ 400: ['invalid_payload'], 401: ['unauthorized'], 403: ['forbidden'] })
  @Get('export')
  @Roles('admin')
  async export(@Query() query: unknown, @Res() res: Response): Promise<void> {
    const q = parseHttp(datasetQuerySchema, query);
    const since = new Date(q.since);
    const until = new Date(q.until);
    res.status(200);
    res.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Trailer', 'X-Dataset-Records, X-Dataset-Sha256');
    const digest = new DigestCounter();
    const stats = emptyStats();
    try {
      for await (const { split, record } of datasetRecords(
        datasetSources(this.db),
        { kind: q.kind, since, until, format: q.format, validationShare: q.validation },
        stats,
      )) {
        if (split !== q.split) continue;
        const line = `${JSON.stringify(record)}\n`;
        digest.add(line);
        // Backpressure: the next page is read once the client has taken this.
        if (!res.write(line)) await new Promise((r) => res.once('drain', r));
        if (res.destroyed) return;
      }
      res.addTrailers({
        'X-Dataset-Records': String(digest.lines),
        'X-Dataset-Sha256': digest.digest(),
      });
    } catch (e) {
      this.logger.error({ err: String(e) }, 'dataset export failed part way');
      res.addTrailers({ 'X-Dataset-Records': 'error' });
    }
    res.end();
  }
}
