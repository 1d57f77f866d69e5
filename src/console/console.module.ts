import { Module } from '@nestjs/common';
import { ConsoleController } from './console.controller.js';

/** The operator console at `/console`, for processes that serve HTTP. */
@Module({ controllers: [ConsoleController] })
export class ConsoleModule {}
