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

/**
 * 401 without a valid token, 403 with a token of too small a role. `admin` may do
 * everything a `moderator` may.
 */
export function requireRole(tokens: TokenService, role: Role) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const token = bearerToken(req);
    const principal = token ? await tokens.authenticate(token) : undefined;
    if (!principal) throw ApiError.unauthorized();
    if (role === 'admin' && principal.role !== 'admin') throw ApiError.forbidden('This needs an admin token.');
    res.locals.principal = principal;
    next();
  };
}
