import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import type { Request } from 'express';
import { TokenVerifier, type Principal } from './token-verifier.js';

export type UserRequest = Request & { principal?: Principal };

/**
 * The principal of `Authorization: Bearer <JWT>`, or a 401 `unauthorized` (HTTP guards share it).
 */
export function bearerPrincipal(
  request: Request,
  tokens: TokenVerifier,
  message = 'a valid token is required',
): Principal {
  const header = request.headers.authorization ?? '';
  const principal = tokens.verify(header.startsWith('Bearer ') ? header.slice(7) : undefined);
  if (!principal) throw new UnauthorizedException({ code: 'unauthorized', message });
  return principal;
}

/** The user's own API: a valid JWT in `Authorization: Bearer`; `sub` is whose data it is. */
@Injectable()
export class UserGuard implements CanActivate {
  constructor(private readonly tokens: TokenVerifier) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<UserRequest>();
    request.principal = bearerPrincipal(request, this.tokens);
    return true;
  }
}
