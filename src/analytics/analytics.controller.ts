import { Controller, Get, Logger, Query, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { parseHttp } from '../moderation/moderation-http.js';
import { OperatorRolesGuard, Roles } from '../moderation/operator-roles.guard.js';
import { ApiController, ApiErrors, ApiJson, ApiQueryOf } from '../openapi/openapi.decorators.js';
import { activitySchema, retentionSchema } from './analytics.openapi.js';
import { analyticsQuerySchema } from './analytics.protocol.js';
import { AnalyticsService } from './analytics.service.js';

/** Analysts read analytics; admins may too. Moderators may not (docs/operator.md). */
const ANALYTICS_ROLES = ['analyst', 'admin'] as const;
const ERRORS = {
  400: ['invalid_payload', 'range_too_large'],
  401: ['unauthorized'],
  403: ['forbidden'],
};

/**
 * The analytics API (docs/analytics.md): retention and activity as JSON, exports as files, and
 * the two charts as SVG. Everything comes from the roll-ups; no user is named (exports of user
 * days carry pseudonyms).
 */
@Controller('v1/operator/analytics')
@UseGuards(OperatorRolesGuard)
@Roles(...ANALYTICS_ROLES)
@ApiController('operator: analytics')
export class AnalyticsController {
  private readonly logger = new Logger(AnalyticsController.name);

  constructor(private readonly analytics: AnalyticsService) {}

  @ApiOperation({ summary: 'Retention cohorts (D1/D7/D30 by default), with breakdowns' })
  @ApiQueryOf(analyticsQuerySchema)
  @ApiJson(200, 'Metadata and a row per cohort, breakdown value and period', retentionSchema)
  @ApiErrors(ERRORS)
  @Get('retention')
  async retention(@Query() query: unknown) {
    const r = await this.analytics.resolve(parseHttp(analyticsQuerySchema, query));
    return {
      metadata: this.analytics.metadata(r, 'retention'),
      rows: await this.analytics.retention(r),
    };
  }

  @ApiOperation({ summary: 'DAU/WAU/MAU, stickiness, session lengths and guardrails by day' })
  @ApiQueryOf(analyticsQuerySchema)
  @ApiJson(200, 'Metadata, a row per day, totals, session lengths and guardrails', activitySchema)
  @ApiErrors(ERRORS)
  @Get('activity')
  async activity(@Query() query: unknown) {
    const r = await this.analytics.resolve(parseHttp(analyticsQuerySchema, query));
    const [{ days, totals }, sessions, guardrails] = await Promise.all([
      this.analytics.activity(r),
      this.analytics.sessionLengths(r),
      this.analytics.guardrails(r),
    ]);
    return { metadata: this.analytics.metadata(r, 'activity'), days, totals, sessions, guardrails };
  }

  @ApiOperation({ summary: 'An export file (CSV, JSON Lines or Parquet), streamed' })
  @ApiQueryOf(analyticsQuerySchema)
  @ApiResponse({
    status: 200,
    description:
      'The `dataset` in `format`; metadata in the first line (CSV `#`, JSONL `metadata`) or the Parquet footer',
    content: {
      'text/csv': { schema: { type: 'string' } },
      'application/x-ndjson': { schema: { type: 'string' } },
      'application/vnd.apache.parquet': { schema: { type: 'string', format: 'binary' } },
    },
  })
  @ApiErrors(ERRORS)
  @Get('export')
  async export(@Query() query: unknown, @Res() res: Response): Promise<void> {
    const r = await this.analytics.resolve(parseHttp(analyticsQuerySchema, query));
    const prepared = await this.analytics.prepareExport(r);
    res.status(200);
    res.setHeader('Content-Type', prepared.mediaType);
    res.setHeader('Content-Disposition', `attachment; filename="${prepared.filename}"`);
    res.setHeader('Cache-Control', 'no-store');
    try {
      await prepared.write(res);
    } catch (e) {
      // Headers are sent: the client sees a cut file (a CSV without its last rows, a Parquet
      // without its footer, which no reader opens).
      this.logger.error({ dataset: r.dataset, err: String(e) }, 'analytics export failed part way');
      res.destroy();
    }
  }

  @ApiOperation({ summary: 'The retention triangle (cohort x period heat map) as SVG' })
  @ApiQueryOf(analyticsQuerySchema)
  @ApiResponse({ status: 200, description: 'An SVG image', content: { 'image/svg+xml': {} } })
  @ApiErrors(ERRORS)
  @Get('charts/retention.svg')
  async retentionChart(@Query() query: unknown, @Res() res: Response): Promise<void> {
    const r = await this.analytics.resolve(parseHttp(analyticsQuerySchema, query));
    svg(res, await this.analytics.retentionSvg(r));
  }

  @ApiOperation({ summary: 'DAU, MAU and stickiness (DAU/MAU) by day as SVG' })
  @ApiQueryOf(analyticsQuerySchema)
  @ApiResponse({ status: 200, description: 'An SVG image', content: { 'image/svg+xml': {} } })
  @ApiErrors(ERRORS)
  @Get('charts/dau-mau.svg')
  async dauMauChart(@Query() query: unknown, @Res() res: Response): Promise<void> {
    const r = await this.analytics.resolve(parseHttp(analyticsQuerySchema, query));
    svg(res, await this.analytics.dauMauSvg(r));
  }
}

function svg(res: Response, body: string): void {
  res.status(200);
  res.setHeader('Content-Type', 'image/svg+xml; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  // An image of ours only: nothing in it may run or load anything.
  res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
  res.send(body);
}
