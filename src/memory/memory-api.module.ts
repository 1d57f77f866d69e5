import { Module } from '@nestjs/common';
import { MemoryController } from './memory.controller.js';
import { MemoryModule } from './memory.module.js';

/** The user's memory API (`/v1/me/memories`), for processes that serve HTTP APIs. */
@Module({
  imports: [MemoryModule],
  controllers: [MemoryController],
})
export class MemoryApiModule {}
