import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { ApiError, type ErrorStatus } from '../errors';
import { authorize } from './auth';
import { parseOrThrow } from './validate';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete' | 'options';

/**
 * Who may call an operation, as the document's `security` says. The route checks
 * `moderator` and `admin` itself against the token its mount authenticated (see auth.ts).
 */
export type Auth = 'none' | 'author' | 'moderator' | 'admin' | 'dashboard';

export type Tag = 'Public' | 'Moderation' | 'Admin' | 'Webhooks' | 'Operations' | 'Browser pages';

type JsonSchema = Record<string, unknown>;

/** One documented answer. `schema` (JSON answers) describes the body, which the tests check `example` against. */
export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  example?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

/** A JSON answer described by its schema, with an example of the schema's type. */
export function json<S extends z.ZodType>(
  schema: S,
  spec: { description: string; example: z.input<S>; headers?: Record<string, string> },
): ResponseSpec & { schema: S } {
  return { ...spec, schema };
}

export const html = (description: string): ResponseSpec => ({ description, contentType: 'text/html; charset=utf-8' });
export const noContent = (description: string): ResponseSpec => ({ description });

/** What an operation declares about itself: the OpenAPI document is built from these. */
export interface Operation {
  method: Method;
  /** The Express path template: `/v1/comments/:id/status`. */
  path: string;
  tag: Tag;
  summary: string;
  description?: string;
  auth?: Auth;
  query?: z.ZodObject;
  /** Query values as a client sends them (strings). */
  queryExample?: Record<string, string>;
  body?: z.ZodType;
  bodyExample?: unknown;
  /** A body that is not JSON (the dashboard's sign-in form). */
  formBody?: JsonSchema;
  responses: Record<number, ResponseSpec>;
  /** Error answers, from the shared ones of the document (one per status of src/errors.ts). */
  errors?: readonly ErrorStatus[];
}

/** An operation and the Express handlers that answer it. */
export interface Route extends Operation {
  handlers: RequestHandler[];
}

/** `siteKey | pageId` of `/v1/sites/:siteKey/pages/:pageId/comments` (and `hash` of `/embed.:hash.js`). */
type ParamNames<P extends string> = P extends `${string}:${infer Rest}`
  ? Rest extends `${infer Name}/${infer Tail}`
    ? NameOf<Name> | ParamNames<`/${Tail}`>
    : NameOf<Rest>
  : never;
type NameOf<S extends string> = S extends `${infer Name}.${string}` ? Name : S;

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;

/** What the handler gets: the request, parsed. */
export interface RouteInput<P extends string, Q, B> {
  req: Request;
  res: Response;
  params: Record<ParamNames<P>, string>;
  query: Parsed<Q>;
  body: Parsed<B>;
}

/** The JSON bodies the declared answers allow. */
type Answer<R> = { [S in keyof R]: R[S] extends { schema: infer Z extends z.ZodType } ? z.input<Z> : never }[keyof R];

export interface RouteSpec<
  P extends string,
  Q extends z.ZodObject | undefined,
  B extends z.ZodType | undefined,
  R,
> extends Omit<Operation, 'path' | 'query' | 'body' | 'responses'> {
  path: P;
  query?: Q;
  body?: B;
  responses: R & Record<number, ResponseSpec>;
  /**
   * Path parameters that are UUIDs, with what they name: one that is not a UUID names
   * nothing, so the answer is that thing's 404 (before the body is looked at).
   */
  ids?: Partial<Record<ParamNames<P>, string>>;
  /** Middleware to run first (a rate limit, a body parser). */
  use?: RequestHandler[];
  /**
   * Answers the request. What it returns is sent as JSON with the route's success
   * status (its first 2xx with a schema); a handler that answers itself returns nothing.
   */
  handler(input: RouteInput<P, Q, B>): Answer<R> | void | Promise<Answer<R> | void>;
}

const uuid = z.uuid();

/** A path parameter that must be a UUID: one that is not names nothing, so it is `what`'s 404. */
export function uuidParam(value: string, what: string): string {
  if (!uuid.safeParse(value).success) throw ApiError.notFound(what);
  return value;
}

/**
 * Declares a route: its contract (what the OpenAPI document says of it) and its
 * handler, which gets the query and body parsed with the declared schemas (a 400 listing
 * every field error otherwise). Register it with a RouteRegistry.
 */
export function route<
  const P extends string,
  Q extends z.ZodObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R = Record<number, ResponseSpec>,
>(spec: RouteSpec<P, Q, B, R>): Route {
  const { ids, use = [], handler, ...operation } = spec;
  const success = Object.entries(operation.responses as Record<number, ResponseSpec>)
    .filter(([status, answer]) => Number(status) < 300 && answer.schema)
    .map(([status]) => Number(status))[0];
  const answer: RequestHandler = async (req, res) => {
    for (const [name, what] of Object.entries(ids ?? {})) uuidParam(String(req.params[name]), String(what));
    const input = {
      req,
      res,
      params: req.params as Record<ParamNames<P>, string>,
      query: (spec.query ? parseOrThrow(spec.query, req.query) : undefined) as Parsed<Q>,
      body: (spec.body ? parseOrThrow(spec.body, req.body) : undefined) as Parsed<B>,
    };
    const body = await handler(input);
    if (body === undefined) return;
    if (success === undefined) throw new TypeError(`${spec.method} ${spec.path} answered JSON it does not declare`);
    res.status(success).json(body);
  };
  const checks = spec.auth === 'moderator' || spec.auth === 'admin' ? [authorize(spec.auth)] : [];
  return { ...(operation as Omit<Operation, 'path'>), path: spec.path, handlers: [...checks, ...use, answer] };
}
