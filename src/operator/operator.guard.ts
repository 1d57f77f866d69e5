import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
} from '@nestjs/common';
import type { Request } from 'express';
import { TokenVerifier, type Principal } from '../auth/token-verifier.js';
import { bearerPrincipal } from '../auth/user.guard.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

export type OperatorRequest = Request & { operator?: Principal };

/**
 * The roles OperatorGuard lets through (any one of them suffices): moderators and admins, who
 * read content in their work, and OPERATOR_ROLE; never analysts, who see aggregates only.
 */
export function operatorGuardRoles(config: AppConfig): string[] {
  return [...new Set(['moderator', 'admin', config.auth.operatorRole])];
}

/** Operator content endpoints (a reply's trace): a valid JWT whose roles include one above. */
@Injectable()
export class OperatorGuard implements CanActivate {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly tokens: TokenVerifier,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<OperatorRequest>();
    const principal = bearerPrincipal(request, this.tokens, 'a valid operator token is required');
    const allowed = operatorGuardRoles(this.config);
    if (!principal.roles.some((r) => allowed.includes(r))) {
      throw new ForbiddenException({
        code: 'forbidden',
        message: `the token lacks the ${allowed.join(' or ')} role`,
      });
    }
    request.operator = principal;
    return true;
  }
}
