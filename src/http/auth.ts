import type { NextFunction, Request, Response } from 'express';
import type { Principal, Role, TokenService } from '../auth/token-service';
import { ApiError } from '../errors';

/** The bearer token of a request, or undefined. */
export function bearerToken(req: Request): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
}

/** The principal that requireRole put on the response. */
export function principalOf(res: Response): Principal {
  return res.locals.principal as Principal;
}

/** 403 for a principal of too small a role: `admin` may do everything a `moderator` may. */
function checkRole(principal: Principal, role: Role): void {
  if (role === 'admin' && principal.role !== 'admin') throw ApiError.forbidden('This needs an admin token.');
}

/**
 * Authenticates the bearer token: 401 without a valid one, 403 with one of too small a
 * role. Mounted in front of a group of routes (`/v1/moderation`), so that a path no
 * route answers is a 401 too, not a 404 that tells a stranger what exists.
 */
export function requireRole(tokens: TokenService, role: Role) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const token = bearerToken(req);
    const principal = token ? await tokens.authenticate(token) : undefined;
    if (!principal) throw ApiError.unauthorized();
    checkRole(principal, role);
    res.locals.principal = principal;
    next();
  };
}

/**
 * The role a route declares (route.ts), checked against the principal its mount's
 * requireRole authenticated: a route registered outside its mount refuses everyone
 * rather than answering anyone.
 */
export function authorize(role: Role) {
  return (_req: Request, res: Response, next: NextFunction) => {
    const principal = res.locals.principal as Principal | undefined;
    if (!principal) throw ApiError.unauthorized();
    checkRole(principal, role);
    next();
  };
}
