import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { JobName } from '../jobs/job-names.js';
import { JobQueue } from '../jobs/job-queue.js';
import { JobRegistry } from '../jobs/job-registry.js';
import type { VoiceAnalysis } from '../voice/analysis/prosody-analyzer.js';
import { voiceEvidence, type Evidence } from './affect-evidence.js';
import { affectCue, type AffectCue } from './affect-cue.js';
import { AffectRepository } from './affect.repository.js';
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

/**
 * Turn affect in the service: the words' emotion (lexicon or model), the voice against the
 * user's own baseline, fusion, and the conversation's and user's mood, stored per user message.
 * The baseline learns from each voice clip afterwards, in a job, so a clip is never judged
 * against itself.
 */
@Injectable()
export class AffectService implements OnModuleInit {
  private readonly logger = new Logger(AffectService.name);

  constructor(
    @Inject(TEXT_EMOTION_CLASSIFIER) private readonly classifier: TextEmotionClassifier,
    private readonly repository: AffectRepository,
    private readonly registry: JobRegistry,
    private readonly jobs: JobQueue,
  ) {}

  onModuleInit(): void {
    this.registry.register(JobName.VoiceBaselineUpdate, ({ messageId }) =>
      this.learnVoice(messageId),
    );
  }

  /** Assesses a user message (once; a second call returns what was stored). Null without text. */
  async assess(messageId: string): Promise<TurnAffectResult | null> {
    const ctx = await this.repository.turnContext(messageId);
    if (!ctx || ctx.content === '') return null;
    const lang: TextLanguage =
      ctx.transcriptLanguage === 'zh' || ctx.transcriptLanguage === 'en'
        ? ctx.transcriptLanguage
        : detectLanguage(ctx.content);
    const conversationMood = parseMoodTrajectory(ctx.conversationMood);
    const userMood = parseMoodTrajectory(ctx.userMood);

    if (ctx.existing) {
      const mood = describeMood(conversationMood, CONVERSATION_MOOD);
      return {
        affect: ctx.existing.affect,
        textEmotion: ctx.existing.textEmotion,
        vocal: null,
        mood,
        userMood: describeMood(userMood, USER_MOOD),
        lang,
        cue: affectCue(ctx.existing.affect, mood, lang),
      };
    }

    const textEmotion = await this.classifier.classify(ctx.content, lang);
    const baseline = parseVoiceBaseline(ctx.voiceBaseline);
    const at = ctx.createdAt.getTime();
    const turn = assessTurn({
      text: textEmotion,
      voice: ctx.prosody ? { features: ctx.prosody, spectral: ctx.spectralTilt, baseline } : null,
      mood: conversationMood,
      atMs: at,
      moodPreset: CONVERSATION_MOOD,
    });
    const nextUserMood = updateMoodTrajectory(userMood, turn.affect, at, USER_MOOD);
    const inserted = await this.repository.saveTurn({
      messageId,
      userId: ctx.userId,
      conversationId: ctx.conversationId,
      affect: turn.affect,
      textEmotion,
      conversationMood: turn.mood,
      userMood: nextUserMood,
    });
    if (inserted && ctx.prosody) {
      this.jobs
        .add(JobName.VoiceBaselineUpdate, { messageId }, { jobId: `baseline-${messageId}` })
        .catch((e: unknown) =>
          this.logger.warn({ messageId, err: String(e) }, 'could not queue the baseline update'),
        );
    }
    return {
      affect: turn.affect,
      textEmotion,
      vocal: turn.vocal,
      mood: turn.moodSummary,
      userMood: describeMood(nextUserMood, USER_MOOD),
      lang,
      cue: affectCue(turn.affect, turn.moodSummary, lang),
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

  /** Folds a voice clip into its user's baseline (the baseline-update job). */
  async learnVoice(messageId: string): Promise<void> {
    await this.repository.updateVoiceBaseline(messageId, (stored, clip) =>
      updateVoiceBaseline(
        parseVoiceBaseline(stored),
        voiceCueValues(clip.prosody, clip.spectralTilt),
      ),
    );
  }
}
