import 'reflect-metadata';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoNestLogger } from 'nestjs-pino';
import pino from 'pino';
import { AppModule } from './app.module.js';
import { ChatIoAdapter } from './gateway/chat-io.adapter.js';
import { HttpErrorFilter } from './common/http-error.filter.js';
import { TurnService } from './turn/turn.service.js';
import type { AppConfig } from './config/app-config.js';
import type { Runtime } from './config/runtime.js';
import { runMigrations } from './database/data-source.js';
import { startEmbeddedPostgres } from './database/embedded-postgres.js';
import { startVllmStandIn } from './llm/stand-in/vllm-stand-in.js';
import { startWhisperStandIn } from './voice/stand-in/whisper-stand-in.js';
import { Lifecycle } from './observability/lifecycle.js';
import { serveOpenApi } from './openapi/openapi-document.js';

export interface RunningApp {
  app: INestApplication;
  /** Base URL of the HTTP and socket.io server. */
  url: string;
  runtime: Runtime;
  /** Graceful stop: refuse new work, let replies finish (bounded), close everything. */
  shutdown(): Promise<void>;
}

/**
 * Starts the service: embedded stand-ins for what is not configured (Postgres, the model), the
 * migrations, then the Nest application on the configured port.
 */
export async function startApp(config: AppConfig): Promise<RunningApp> {
  const log = pino({
    level: config.logLevel,
    base: { service: 'companion-backend' },
    messageKey: 'msg',
  });
  const cleanups: Array<() => Promise<void>> = [];
  try {
    let databaseUrl = config.database.url;
    if (!databaseUrl) {
      log.warn(
        { dataDir: config.dataDir },
        'DATABASE_URL is not set: starting the embedded PostgreSQL (embedded mode)',
      );
      const embedded = await startEmbeddedPostgres(config.dataDir, (m) => log.info(m));
      cleanups.push(() => embedded.stop());
      databaseUrl = embedded.url;
    }
    const applied = await runMigrations(databaseUrl);
    log.info({ applied }, applied.length ? 'migrations applied' : 'database schema is up to date');

    let llmBaseUrl = config.llm.baseUrl;
    if (!llmBaseUrl) {
      const standIn = await startVllmStandIn({ model: config.llm.model });
      cleanups.push(() => standIn.close());
      llmBaseUrl = standIn.url;
      log.warn(
        { url: standIn.url },
        'LLM_BASE_URL is not set: replies come from a local STAND-IN that speaks the vLLM API. ' +
          'They are placeholder text, NOT answers of a model.',
      );
    }
    if (config.memory.enabled && !config.memory.baseUrl && !config.llm.baseUrl) {
      log.warn(
        'Neither MEMORY_BASE_URL nor LLM_BASE_URL is set: memory extraction asks the stand-in, ' +
          'which proposes nothing. NOTHING IS REMEMBERED beyond the stored turns.',
      );
    }
    if (!config.embeddings.baseUrl) {
      log.info('EMBEDDINGS_BASE_URL is not set: recall ranks by words, dates and feeling only');
    }
    let whisperBaseUrl = config.whisper.baseUrl;
    if (!whisperBaseUrl) {
      const standIn = await startWhisperStandIn({ model: config.whisper.model });
      cleanups.push(() => standIn.close());
      whisperBaseUrl = standIn.url;
      log.warn(
        { url: standIn.url },
        'WHISPER_BASE_URL is not set: voice messages go to a local STAND-IN that answers with a ' +
          'placeholder transcript. NOTHING IS TRANSCRIBED.',
      );
    }
    if (!config.redis.url) {
      log.warn(
        'REDIS_URL is not set: jobs run in this process and sockets reach this process only (embedded mode)',
      );
    }

    const runtime: Runtime = {
      databaseUrl,
      llmBaseUrl,
      whisperBaseUrl,
      instanceId: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
      embedded: {
        database: !config.database.url,
        llm: !config.llm.baseUrl,
        whisper: !config.whisper.baseUrl,
        redis: !config.redis.url,
      },
    };
    const app = await NestFactory.create(AppModule.forRoot(config, runtime), { bufferLogs: true });
    app.useLogger(app.get(PinoNestLogger));
    app.useGlobalFilters(new HttpErrorFilter());
    if (config.role !== 'worker') app.useWebSocketAdapter(new ChatIoAdapter(app, config));
    if (config.role !== 'worker') serveOpenApi(app, config);
    await app.listen(config.http.port, config.http.host);
    const server = app.getHttpServer() as import('node:http').Server;
    const address = server.address() as { port: number };
    const url = `http://127.0.0.1:${address.port}`;
    log.info(
      { url, instanceId: runtime.instanceId, role: config.role },
      'companion backend listening',
    );

    let stopping: Promise<void> | null = null;
    const shutdown = () =>
      (stopping ??= (async () => {
        const deadline = Date.now() + config.shutdownGraceMs;
        log.info({ graceMs: config.shutdownGraceMs }, 'shutting down: draining replies in flight');
        app.get(Lifecycle).startDraining();
        if (config.role !== 'worker') await app.get(TurnService).drain(deadline);
        await app.close();
        for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
        log.info('stopped');
      })());
    return { app, url, runtime, shutdown };
  } catch (e) {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    throw e;
  }
}
