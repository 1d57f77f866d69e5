import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { readFile } from 'node:fs/promises';
import { consoleFiles } from './console-files.js';

/**
 * The page may load only its own scripts and styles and talk only to this origin (the REST API
 * and the `/operator` socket); it is never framed.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The operator console (docs/operator.md): static files, no build step. Not part of the API. */
@ApiExcludeController()
@Controller('console')
export class ConsoleController {
  private readonly files = consoleFiles();

  @Get()
  index(@Res() res: Response) {
    return this.send('index.html', res);
  }

  @Get(':file')
  file(@Param('file') name: string, @Res() res: Response) {
    return this.send(name, res);
  }

  private async send(name: string, res: Response): Promise<void> {
    const file = this.files.get(name);
    if (!file) throw new NotFoundException({ code: 'not_found', message: 'no such console file' });
    const body = await readFile(file.path);
    res
      .status(200)
      .set({
        'content-type': file.type,
        'cache-control': 'no-cache',
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      })
      .send(body);
  }
}
