import express, { Router } from 'express';
import { z } from 'zod';
import type { TokenService } from '../auth/token-service';
import { decodeCursor } from '../comments/comment-repository';
import { COMMENT_STATUSES } from '../comments/status';
import { ApiError } from '../errors';
import { newBanSchema } from '../moderation/ban-request';
import type { ModerationService } from '../moderation/moderation-service';
import { MAX_BULK_IDS, MODERATOR_ACTIONS } from '../moderation/moderator-actions';
import type { SiteRepository } from '../sites/site-repository';
import { principalOf, requireRole } from './auth';
import { parseOrThrow } from './validate';

export interface ModerationRoutesOptions {
  tokens: TokenService;
  moderation: ModerationService;
  sites: SiteRepository;
  bodyLimit: number;
  maxCommentLength: number;
}

const cursor = z
  .string()
  .max(200)
  .refine((c) => decodeCursor(c) !== undefined, 'not a cursor this API gave out')
  .optional();
const limit = z.coerce.number().int().min(1).max(100).default(50);
const note = z.string().trim().max(1000).optional();
const commentId = z.uuid();

export const listQuery = z.object({
  status: z.enum(COMMENT_STATUSES).default('held'),
  site: z.string().max(100).optional(),
  pageId: z.string().max(500).optional(),
  email: z.string().max(254).optional(),
  q: z.string().trim().min(1).max(200).optional(),
  order: z.enum(['newest', 'oldest']).default('newest'),
  cursor,
  limit,
});
export const actionBody = z.object({ action: z.enum(MODERATOR_ACTIONS), note });
export const bulkBody = z.object({
  ids: z.array(commentId).min(1).max(MAX_BULK_IDS),
  action: z.enum(MODERATOR_ACTIONS),
  note,
});
export const statsQuery = z.object({
  site: z.string().max(100).optional(),
  days: z.coerce.number().int().min(1).max(365).default(30),
});
export const auditQuery = z.object({
  commentId: commentId.optional(),
  site: z.string().max(100).optional(),
  cursor,
  limit,
});

/** The body of `PATCH /v1/moderation/comments/:id`. */
export function editCommentBody(maxCommentLength: number) {
  return z.object({
    text: z
      .string()
      .max(maxCommentLength)
      .refine((t) => t.trim().length > 0, 'must not be empty'),
    note,
  });
}

/** The (optional) body of `DELETE /v1/moderation/comments/:id`. */
export const deleteBody = z.object({ note });

function idParam(value: string | string[] | undefined): string {
  const parsed = commentId.safeParse(value);
  if (!parsed.success) throw ApiError.notFound('Comment');
  return parsed.data;
}

/** The review queue's API: every route needs a moderator or admin token. */
export function moderationRoutes(options: ModerationRoutesOptions): Router {
  const { moderation } = options;
  const router = Router();
  const editBody = editCommentBody(options.maxCommentLength);
  router.use('/v1/moderation', requireRole(options.tokens, 'moderator'), express.json({ limit: options.bodyLimit }));

  router.get('/v1/moderation/me', (_req, res) => {
    res.json(principalOf(res));
  });

  router.get('/v1/moderation/sites', async (_req, res) => {
    const principal = principalOf(res);
    const sites = await options.sites.list();
    res.json({
      sites: sites
        .filter((s) => principal.siteKey === null || s.key === principal.siteKey)
        .map((s) => ({ key: s.key, name: s.name })),
    });
  });

  router.get('/v1/moderation/comments', async (req, res) => {
    const query = parseOrThrow(listQuery, req.query);
    res.set('Cache-Control', 'private, no-store');
    res.json(
      await moderation.list(principalOf(res), {
        status: query.status,
        siteKey: query.site,
        pageId: query.pageId,
        email: query.email,
        search: query.q,
        order: query.order,
        cursor: query.cursor,
        limit: query.limit,
      }),
    );
  });

  router.get('/v1/moderation/comments/:id', async (req, res) => {
    res.set('Cache-Control', 'private, no-store');
    res.json(await moderation.get(principalOf(res), idParam(req.params.id)));
  });

  router.post('/v1/moderation/comments/:id/actions', async (req, res) => {
    const id = idParam(req.params.id);
    const body = parseOrThrow(actionBody, req.body);
    res.json(await moderation.act(principalOf(res), { id, ...body }));
  });

  router.post('/v1/moderation/actions', async (req, res) => {
    const body = parseOrThrow(bulkBody, req.body);
    res.json({ results: await moderation.actOnMany(principalOf(res), body) });
  });

  router.patch('/v1/moderation/comments/:id', async (req, res) => {
    const id = idParam(req.params.id);
    const body = parseOrThrow(editBody, req.body);
    res.json(await moderation.edit(principalOf(res), { id, ...body }));
  });

  router.delete('/v1/moderation/comments/:id', async (req, res) => {
    const id = idParam(req.params.id);
    const body = parseOrThrow(deleteBody, req.body);
    res.json(await moderation.erase(principalOf(res), { id, note: body.note }));
  });

  router.get('/v1/moderation/bans', async (_req, res) => {
    res.json({ bans: await moderation.listBans(principalOf(res)) });
  });

  router.post('/v1/moderation/bans', async (req, res) => {
    const body = parseOrThrow(newBanSchema, req.body);
    res.status(201).json(await moderation.createBan(principalOf(res), body));
  });

  router.delete('/v1/moderation/bans/:id', async (req, res) => {
    const parsed = z.uuid().safeParse(req.params.id);
    if (!parsed.success) throw ApiError.notFound('Ban');
    await moderation.deleteBan(principalOf(res), parsed.data);
    res.status(204).end();
  });

  router.get('/v1/moderation/stats', async (req, res) => {
    const query = parseOrThrow(statsQuery, req.query);
    res.set('Cache-Control', 'private, no-store');
    res.json(await moderation.stats(principalOf(res), { siteKey: query.site, days: query.days }));
  });

  router.get('/v1/moderation/audit', async (req, res) => {
    const query = parseOrThrow(auditQuery, req.query);
    const principal = principalOf(res);
    res.json(
      await moderation.auditLog(principal, {
        siteKey: query.site,
        commentId: query.commentId,
        cursor: query.cursor,
        limit: query.limit,
      }),
    );
  });

  return router;
}
