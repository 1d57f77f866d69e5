import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { MessageRepository } from '../../conversation/message.repository.js';
import { FeedbackRepository } from '../feedback.repository.js';
import { ExperimentRepository, type ExperimentRow } from './experiment.repository.js';
import { ExperimentsService } from './experiments.service.js';
import { brokenGuardrails } from './guardrails.js';
import {
  betaBinomial,
  compareRatio,
  ratioEstimate,
  sampleRatioMismatch,
  type RatioSums,
} from './statistics.js';

/** How often running experiments' guardrails are checked (on every pod; stopping is idempotent). */
export const GUARDRAIL_CHECK_MS = 60_000;

export interface VariantResult {
  variant: string;
  control: boolean;
  stopped: string | null;
  /** Users exposed (stored first exposures). */
  users: number;
  turns: number;
  ratedTurns: number;
  thumbsUpRate: { value: number; variance: number };
  regenerateRate: number;
  editRate: number;
  errorRate: number;
  crisisRate: number;
  p95Ms: number | null;
  /** Turns per conversation (a conversation stands for a session here). */
  averageSessionTurns: number;
  /** D1 and D7 return among users whose first turn is old enough; null until some are. */
  d1Return: number | null;
  d7Return: number | null;
  /** Against the control (null for the control itself). */
  vsControl: {
    thumbsUp: {
      difference: number;
      interval: [number, number];
      chanceToBeat: number;
      expectedLoss: number;
    };
    /** Beta-Binomial on turns without an error. */
    success: { chanceToBeat: number; expectedLoss: number };
  } | null;
}

export interface ExperimentResults {
  key: string;
  status: string;
  control: string;
  variants: VariantResult[];
  srm: { chiSquare: number; pValue: number; mismatch: boolean };
  generatedAt: string;
}

/**
 * Results per variant for admins and analysts (docs/model-loop.md), and the guardrails that stop
 * a variant on their own. Reads what each owner gives (replies per variant from conversation/,
 * reactions and exposures from here) and puts them through the pure statistics.
 */
@Injectable()
export class ExperimentResultsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ExperimentResultsService.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly experiments: ExperimentRepository,
    private readonly running: ExperimentsService,
    private readonly feedback: FeedbackRepository,
    private readonly messages: MessageRepository,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.checkGuardrails(), GUARDRAIL_CHECK_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async results(key: string): Promise<ExperimentResults | null> {
    const e = await this.experiments.find(key);
    return e ? this.compute(e) : null;
  }

  /** Stops every variant of a running experiment that breaks a guardrail; returns what stopped. */
  async checkGuardrails(): Promise<Array<{ key: string; variant: string; reason: string }>> {
    const stopped: Array<{ key: string; variant: string; reason: string }> = [];
    try {
      for (const e of await this.experiments.list()) {
        if (e.status !== 'running') continue;
        for (const s of await this.messages.variantTurnStats(e.key)) {
          if (e.stoppedVariants.includes(s.variant)) continue;
          const broken = brokenGuardrails(e.definition, s.variant, s);
          if (broken.length === 0) continue;
          const reason = `guardrail:${broken.join(',')}`;
          if (await this.experiments.stopVariant(e.key, s.variant, reason)) {
            stopped.push({ key: e.key, variant: s.variant, reason });
            this.logger.warn(
              { experiment: e.key, variant: s.variant, reason },
              'variant stopped by a guardrail',
            );
          }
        }
      }
      if (stopped.length) await this.running.reload();
    } catch (err) {
      this.logger.warn({ err: String(err) }, 'could not check guardrails');
    }
    return stopped;
  }

  private async compute(e: ExperimentRow): Promise<ExperimentResults> {
    const def = e.definition;
    const [turns, reactions, exposed] = await Promise.all([
      this.messages.variantTurnStats(e.key),
      this.feedback.variantFeedback(e.key),
      this.experiments.exposureCounts(e.key),
    ]);
    const empty: RatioSums = { users: 0, num: 0, den: 0, num2: 0, den2: 0, numDen: 0 };
    const turnsOf = (v: string) => turns.find((t) => t.variant === v);
    const sumsOf = (v: string) => reactions.find((r) => r.variant === v)?.sums ?? empty;
    const controlTurns = turnsOf(def.control);
    const variants = def.variants.map((v): VariantResult => {
      const t = turnsOf(v.name);
      const r = reactions.find((x) => x.variant === v.name);
      const n = t?.turns ?? 0;
      const sums = sumsOf(v.name);
      const isControl = v.name === def.control;
      const rate = ratioEstimate(sums);
      return {
        variant: v.name,
        control: isControl,
        stopped: e.stopReasons[v.name] ?? (e.stoppedVariants.includes(v.name) ? 'stopped' : null),
        users: exposed.get(v.name) ?? 0,
        turns: n,
        ratedTurns: sums.den,
        thumbsUpRate: { value: rate.ratio, variance: rate.variance },
        regenerateRate: n ? (r?.regenerates ?? 0) / n : 0,
        editRate: n ? (r?.edits ?? 0) / n : 0,
        errorRate: n ? (t?.failed ?? 0) / n : 0,
        crisisRate: n ? (t?.crisis ?? 0) / n : 0,
        p95Ms: t?.p95Ms ?? null,
        averageSessionTurns: t?.turnsPerConversation ?? 0,
        d1Return: t && t.d1.eligible ? t.d1.returned / t.d1.eligible : null,
        d7Return: t && t.d7.eligible ? t.d7.returned / t.d7.eligible : null,
        vsControl: isControl
          ? null
          : {
              thumbsUp: pick(compareRatio(sumsOf(def.control), sums)),
              success: betaBinomial(
                {
                  successes: (controlTurns?.turns ?? 0) - (controlTurns?.failed ?? 0),
                  trials: controlTurns?.turns ?? 0,
                },
                { successes: n - (t?.failed ?? 0), trials: n },
              ),
            },
      };
    });
    const srm = sampleRatioMismatch(
      def.variants.map((v) => exposed.get(v.name) ?? 0),
      def.variants.map((v) => v.weight),
    );
    return {
      key: e.key,
      status: e.status,
      control: def.control,
      variants,
      srm,
      generatedAt: new Date().toISOString(),
    };
  }
}

function pick(c: ReturnType<typeof compareRatio>) {
  return {
    difference: c.difference,
    interval: c.interval,
    chanceToBeat: c.chanceToBeat,
    expectedLoss: c.expectedLoss,
  };
}
