import { Module } from '@nestjs/common';
import { ProfileController } from './profile.controller.js';
import { SafetyModule } from './safety.module.js';

/** The user's profile call (`PUT /v1/me/profile`), for processes that serve HTTP APIs. */
@Module({
  imports: [SafetyModule],
  controllers: [ProfileController],
})
export class SafetyApiModule {}
