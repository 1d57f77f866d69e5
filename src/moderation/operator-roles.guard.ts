import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TokenVerifier, type Principal } from '../auth/token-verifier.js';
import { bearerPrincipal } from '../auth/user.guard.js';
import type { OperatorRequest } from '../operator/operator.guard.js';

/** Operator roles of the JWT `roles` claim (docs/operator.md). */
export type OperatorRole = 'moderator' | 'admin' | 'analyst';

const ROLES_KEY = 'operatorRoles';

/** A handler or a controller class, as Nest's metadata knows them. */
type RouteTarget = ReturnType<ExecutionContext['getHandler']>;

/** The roles that may call a route (any one of them suffices). */
export const Roles = (...roles: OperatorRole[]) => SetMetadata(ROLES_KEY, roles);

/**
 * Who may call a route: the `@Roles` of its handler, else of its controller, else nobody. The
 * guard enforces this and the OpenAPI document publishes it (`x-roles`).
 */
export function routeRoles(
  reflector: Reflector,
  handler: RouteTarget,
  controller: RouteTarget,
): OperatorRole[] {
  return (
    reflector.getAllAndOverride<OperatorRole[] | undefined>(ROLES_KEY, [handler, controller]) ?? []
  );
}

/** What every operator route may answer besides its own errors: no token, or not the role. */
export const GUARDED = { 401: ['unauthorized'], 403: ['forbidden'] };

/** The operator a guarded request was let in for. */
export function operatorOf(req: OperatorRequest): Principal {
  return req.operator!;
}

/** Roles that work the queue and read content. */
export const CONTENT_ROLES: OperatorRole[] = ['moderator', 'admin'];

/**
 * The moderation API: a valid JWT in `Authorization: Bearer` (else 401 `unauthorized`) whose
 * roles include one the route names with `@Roles` (else 403 `forbidden`). A route without
 * `@Roles` is refused to everyone: a new route must say who may call it.
 */
@Injectable()
export class OperatorRolesGuard implements CanActivate {
  constructor(
    private readonly tokens: TokenVerifier,
    private readonly reflector: Reflector,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<OperatorRequest>();
    const principal = bearerPrincipal(request, this.tokens, 'a valid operator token is required');
    const allowed = routeRoles(this.reflector, context.getHandler(), context.getClass());
    if (!principal.roles.some((r) => (allowed as string[]).includes(r))) {
      throw new ForbiddenException({
        code: 'forbidden',
        message: allowed.length
          ? `this needs one of the roles ${allowed.join(', ')}`
          : 'no role may call this',
      });
    }
    request.operator = principal;
    return true;
  }
}
