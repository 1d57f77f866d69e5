import {
  BadRequestException,
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../../auth/token-verifier.js';
import { updatedRows, type Row } from '../../common/sql-rows.js';
import { uuidv7 } from '../../common/uuid.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { OperatorAuditRepository } from '../../operator/operator-audit.repository.js';
import {
  compileRule,
  matchRules,
  ruleProblem,
  type CompiledRule,
  type RuleAction,
  type RuleKind,
  type RuleVerdict,
} from './rule-match.js';

export interface Rule {
  id: string;
  name: string;
  kind: RuleKind;
  pattern: string;
  action: RuleAction;
  category: string;
  priority: number;
  userReason: string | null;
  enabled: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface RuleInput {
  name: string;
  kind: RuleKind;
  pattern: string;
  action: RuleAction;
  category: string;
  priority: number;
  userReason?: string | null;
  enabled: boolean;
}

/** Rules a deployment may hold: every message is checked against all of them. */
export const RULES_MAX = 500;

const COLUMNS = `id, name, kind, pattern, action, category, priority, user_reason, enabled, created_by,
  created_at, updated_at`;

function rowToRule(r: Row): Rule {
  return {
    id: r.id as string,
    name: r.name as string,
    kind: r.kind as RuleKind,
    pattern: r.pattern as string,
    action: r.action as RuleAction,
    category: r.category as string,
    priority: Number(r.priority),
    userReason: (r.user_reason as string | null) ?? null,
    enabled: Boolean(r.enabled),
    createdBy: r.created_by as string,
    createdAt: (r.created_at as Date).toISOString(),
    updatedAt: (r.updated_at as Date).toISOString(),
  };
}

/**
 * The keyword and regex rules admins manage (docs/operator.md#rules), owner of
 * `moderation_rules`. Every process that takes messages keeps the enabled rules compiled in memory
 * and reads them again every MODERATION_RULES_REFRESH_MS (at once in the process that changed them), so checking
 * a message costs no I/O. Every change is written to the operator audit log.
 */
@Injectable()
export class ModerationRulesService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ModerationRulesService.name);
  private compiled: CompiledRule[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: DataSource,
    private readonly audit: OperatorAuditRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Only processes that take messages check them (a worker only serves jobs).
    if (this.config.role === 'worker') return;
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.config.moderation.rulesRefreshMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** A message against the rules in force here (no I/O). */
  check(text: string): RuleVerdict {
    return matchRules(this.compiled, text);
  }

  /** Reads the enabled rules again; on failure the rules in hand stay in force. */
  async refresh(): Promise<void> {
    try {
      const rows = await this.db.query<Row[]>(
        `SELECT ${COLUMNS} FROM moderation_rules WHERE enabled
          ORDER BY priority, created_at, id`,
      );
      const next: CompiledRule[] = [];
      for (const rule of rows.map(rowToRule)) {
        // Stored rules were checked when written; one that no longer compiles is skipped.
        if (ruleProblem(rule.kind, rule.pattern)) {
          this.logger.error({ ruleId: rule.id }, 'moderation rule does not compile; skipped');
          continue;
        }
        next.push(compileRule(rule));
      }
      this.compiled = next;
    } catch (e) {
      this.logger.warn({ err: String(e) }, 'could not read the moderation rules; keeping the last');
    }
  }

  async list(): Promise<Rule[]> {
    const rows = await this.db.query<Row[]>(
      `SELECT ${COLUMNS} FROM moderation_rules ORDER BY priority, created_at, id`,
    );
    return rows.map(rowToRule);
  }

  async create(input: RuleInput, operator: Principal): Promise<Rule> {
    assertValid(input.kind, input.pattern);
    const rows = await this.db.query<Row[]>(
      `INSERT INTO moderation_rules (id, name, kind, pattern, action, category, priority,
                                     user_reason, enabled, created_by)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
        WHERE (SELECT count(*) FROM moderation_rules) < $11
       RETURNING ${COLUMNS}`,
      [
        uuidv7(),
        input.name,
        input.kind,
        input.pattern,
        input.action,
        input.category,
        input.priority,
        input.userReason ?? null,
        input.enabled,
        operator.userId,
        RULES_MAX,
      ],
    );
    if (!rows[0]) {
      throw new BadRequestException({
        code: 'too_many_rules',
        message: `at most ${RULES_MAX} rules; delete one first`,
      });
    }
    return this.changed(rowToRule(rows[0]), 'rule.create', operator);
  }

  async update(id: string, input: Partial<RuleInput>, operator: Principal): Promise<Rule> {
    const current = await this.find(id);
    assertValid(input.kind ?? current.kind, input.pattern ?? current.pattern);
    const next = { ...current, ...input };
    const rows = updatedRows(
      await this.db.query<unknown>(
        `UPDATE moderation_rules SET name = $2, kind = $3, pattern = $4, action = $5, category = $6,
              priority = $7, user_reason = $8, enabled = $9, updated_at = now()
        WHERE id = $1 RETURNING ${COLUMNS}`,
        [
          id,
          next.name,
          next.kind,
          next.pattern,
          next.action,
          next.category,
          next.priority,
          next.userReason ?? null,
          next.enabled,
        ],
      ),
    );
    if (!rows[0]) throw ruleNotFound();
    return this.changed(rowToRule(rows[0]), 'rule.update', operator);
  }

  async remove(id: string, operator: Principal): Promise<{ id: string; deleted: true }> {
    const rows = updatedRows(
      await this.db.query<unknown>(`DELETE FROM moderation_rules WHERE id = $1 RETURNING id`, [id]),
    );
    if (!rows[0]) throw ruleNotFound();
    await this.audit.record({ operatorId: operator.userId, action: 'rule.delete', targetId: id });
    await this.refresh();
    return { id, deleted: true };
  }

  private async find(id: string): Promise<Rule> {
    const rows = await this.db.query<Row[]>(
      `SELECT ${COLUMNS} FROM moderation_rules WHERE id = $1`,
      [id],
    );
    if (!rows[0]) throw ruleNotFound();
    return rowToRule(rows[0]);
  }

  private async changed(rule: Rule, action: string, operator: Principal): Promise<Rule> {
    await this.audit.record({ operatorId: operator.userId, action, targetId: rule.id });
    await this.refresh();
    return rule;
  }
}

function assertValid(kind: RuleKind, pattern: string): void {
  const problem = ruleProblem(kind, pattern);
  if (problem) throw new BadRequestException({ code: 'invalid_rule', message: problem });
}

function ruleNotFound(): NotFoundException {
  return new NotFoundException({ code: 'rule_not_found', message: 'no such rule' });
}
