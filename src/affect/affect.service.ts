import { Inject, Injectable } from '@nestjs/common';
import type { CarriedWrite } from '../database/carried-writes.js';
import type { VoiceAnalysis } from '../voice/analysis/prosody-analyzer.js';
import type { ProsodyFeatures } from '../voice/prosody/index.js';
import { voiceEvidence, type Evidence } from './affect-evidence.js';
import { affectCue, type AffectCue } from './affect-cue.js';
import { AffectRepository, type StoredReading } from './affect.repository.js';
import { assessTurn } from './assess-turn.js';
import { detectLanguage } from './detect-language.js';
import type { TurnAffect } from './fuse-affect.js';
import {
  CONVERSATION_MOOD,
  USER_MOOD,
  describeMood,
  parseMoodTrajectory,
  updateMoodTrajectory,
  type MoodSummary,
} from './mood-trajectory.js';
import type { SpectralTilt } from './spectral-tilt.js';
import type { TextEmotion, TextEmotionClassifier, TextLanguage } from './text-emotion.js';
import { assessVocalTone, type VocalTone } from './vocal-tone.js';
import { parseVoiceBaseline, updateVoiceBaseline } from './voice-baseline.js';
import { voiceCueValues } from './voice-cues.js';

export const TEXT_EMOTION_CLASSIFIER = Symbol('TEXT_EMOTION_CLASSIFIER');

export interface TurnAffectResult {
  affect: TurnAffect;
  textEmotion: TextEmotion | null;
  vocal: VocalTone | null;
  mood: MoodSummary;
  userMood: MoodSummary;
  lang: TextLanguage;
  /** What the prompt's context block says; null when nothing is worth saying. */
  cue: AffectCue | null;
}

/** What voice:analysis tells the app about the voice alone, against the user's usual voice. */
export interface VocalSummary {
  arousal: number | null;
  tension: number | null;
  hesitancy: number | null;
  confidence: number;
  baselineClips: number;
  evidence: Evidence[];
}

/** One user message to read, as the turn has it. */
export interface AffectInput {
  messageId: string;
  userId: string;
  conversationId: string;
  /** The typed text or the transcript. */
  content: string;
  createdAt: Date;
  /** For a voice message: what the voice analysis measured and the transcript's language. */
  voice: {
    prosody: ProsodyFeatures;
    spectral: SpectralTilt | null;
    language: string | null;
  } | null;
  /** The state already read (AffectService.stateRead, carried by the reply claim), if it was. */
  state?: unknown;
}

/**
 * Turn affect in the service: the words' emotion (lexicon or model), the voice against the
 * user's own baseline, fusion, and the conversation's and user's mood, stored per user message.
 * The baseline learns from each voice clip afterwards, in a job (VoiceBaselineJob), so a clip is
 * never judged against itself.
 */
@Injectable()
export class AffectService {
  constructor(
    @Inject(TEXT_EMOTION_CLASSIFIER) private readonly classifier: TextEmotionClassifier,
    private readonly repository: AffectRepository,
  ) {}

  /**
   * The state `assess` starts from, as a read the reply claim carries in its own statement
   * (ClaimReads): pass what it found as `state`.
   */
  static readonly stateRead = AffectRepository.stateRead;

  /** Reads a user message (once; a second call returns what was stored). Null without text. */
  async assess(input: AffectInput): Promise<TurnAffectResult | null> {
    const read = await this.read(input);
    if (read?.write) await this.repository.send(read.write);
    return read?.result ?? null;
  }

  /**
   * The same reading, with its write for the turn's finish to carry (one round trip for the
   * reply and the reading: CarriedWrite): null write when the message was read before. Null
   * without text.
   */
  async read(
    input: AffectInput,
  ): Promise<{ result: TurnAffectResult; write: CarriedWrite | null } | null> {
    if (input.content === '') return null;
    const spoken = input.voice?.language;
    const lang: TextLanguage =
      spoken === 'zh' || spoken === 'en' ? spoken : detectLanguage(input.content);
    const [state, textEmotion] = await Promise.all([
      input.state !== undefined
        ? AffectRepository.stateFromRead(input.state)
        : this.repository.state(input.messageId, input.userId, input.conversationId),
      this.classifier.classify(input.content, lang),
    ]);
    const conversationMood = parseMoodTrajectory(state.conversationMood);
    const userMood = parseMoodTrajectory(state.userMood);

    if (state.existing) {
      const mood = describeMood(conversationMood, CONVERSATION_MOOD);
      return {
        result: {
          affect: state.existing.affect,
          textEmotion: state.existing.textEmotion,
          vocal: null,
          mood,
          userMood: describeMood(userMood, USER_MOOD),
          lang,
          cue: affectCue(state.existing.affect, mood, lang),
        },
        write: null,
      };
    }

    const baseline = parseVoiceBaseline(state.voiceBaseline);
    const at = input.createdAt.getTime();
    const turn = assessTurn({
      text: textEmotion,
      voice: input.voice
        ? { features: input.voice.prosody, spectral: input.voice.spectral, baseline }
        : null,
      mood: conversationMood,
      atMs: at,
      moodPreset: CONVERSATION_MOOD,
    });
    const nextUserMood = updateMoodTrajectory(userMood, turn.affect, at, USER_MOOD);
    const write = this.repository.turnWrite(
      {
        messageId: input.messageId,
        userId: input.userId,
        conversationId: input.conversationId,
        affect: turn.affect,
        textEmotion,
        conversationMood: turn.mood,
        userMood: nextUserMood,
        userMoodVersion: state.userMoodVersion,
      },
      // Another turn of the user (another conversation) moved their mood meanwhile: this turn is
      // folded into what is stored now.
      (stored) => updateMoodTrajectory(parseMoodTrajectory(stored), turn.affect, at, USER_MOOD),
    );
    return {
      result: {
        affect: turn.affect,
        textEmotion,
        vocal: turn.vocal,
        mood: turn.moodSummary,
        userMood: describeMood(nextUserMood, USER_MOOD),
        lang,
        cue: affectCue(turn.affect, turn.moodSummary, lang),
      },
      write,
    };
  }

  /** The voice alone against the user's baseline, for voice:analysis. */
  async vocalSummary(userId: string, analysis: VoiceAnalysis): Promise<VocalSummary> {
    const baseline = parseVoiceBaseline(await this.repository.voiceBaseline(userId));
    const tone = assessVocalTone(analysis.features, analysis.spectral, baseline);
    return {
      arousal: tone.arousal.value,
      tension: tone.tension.value,
      hesitancy: tone.hesitancy.value,
      confidence: tone.arousal.confidence,
      baselineClips: baseline.clips,
      evidence: voiceEvidence(tone),
    };
  }

  /** Folds a voice clip into its user's baseline, once (the baseline-update job). */
  async learnVoice(input: {
    userId: string;
    messageId: string;
    prosody: ProsodyFeatures;
    spectral: SpectralTilt | null;
  }): Promise<boolean> {
    return this.repository.updateVoiceBaseline(input.userId, input.messageId, (stored) =>
      updateVoiceBaseline(
        parseVoiceBaseline(stored),
        voiceCueValues(input.prosody, input.spectral),
      ),
    );
  }

  /** How the user seemed in these messages, as stored (for memory extraction). */
  readings(userId: string, messageIds: readonly string[]): Promise<StoredReading[]> {
    return this.repository.readings(userId, messageIds);
  }
}
