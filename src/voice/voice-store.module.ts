import { Module } from '@nestjs/common';
import { VoiceClipExpiryJob } from './voice-clip-expiry.job.js';
import { VoiceClipRepository } from './voice-clip.repository.js';

/**
 * Voice clips as stored: the repository (which turns read measurements from, and exports read)
 * and the hourly expiry of old audio. Without the upload and processing side, so that modules
 * below voice/ (turn/) and worker processes can have it.
 */
@Module({
  providers: [VoiceClipRepository, VoiceClipExpiryJob],
  exports: [VoiceClipRepository],
})
export class VoiceStoreModule {}
