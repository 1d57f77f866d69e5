import { CodedError } from '../common/coded-error.js';
import type { VoiceErrorCode } from './voice.protocol.js';

/** A refusal of a voice upload or a failure of its processing, with its stable code. */
export class VoiceException extends CodedError<VoiceErrorCode> {}
