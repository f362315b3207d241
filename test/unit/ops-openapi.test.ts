import pino from 'pino';
import type { z } from 'zod';
import { newTokenSchema } from '../../src/auth/token-service';
import { type AppOptions, createApp, routesOf } from '../../src/http/app';
import { buildOpenApiDocument } from '../../src/http/openapi';
import { ParleyMetrics } from '../../src/metrics/parley-metrics';
import { newBanSchema } from '../../src/moderation/ban-request';
import { siteChangesSchema } from '../../src/sites/site-repository';

type Json = Record<string, any>;

/** The operations of an app wired with nothing behind its routes: enough to read what they declare. */
function declaredOperations(maxCommentLength: number) {
  const app = createApp({
    maxCommentLength,
    bodyLimit: 100_000,
    trustProxy: false,
    logger: pino({ level: 'silent' }),
    readiness: {},
    metrics: new ParleyMetrics(),
    submitLimit: (_req, _res, next) => next(),
  } as AppOptions);
  return routesOf(app).operations();
}

const ops = declaredOperations(5000);
const doc = buildOpenApiDocument(ops) as Json;

/** Every `$ref` anywhere in a value. */
function refs(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refs(v, found);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') found.push(v);
      else refs(v, found);
    }
  }
  return found;
}

function resolve(ref: string): unknown {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<any>((node, part) => node?.[part.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
}

describe('the OpenAPI document', () => {
  it('is OpenAPI 3.1 with the error shape as a component', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Parley', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(doc.components.schemas.Error).toMatchObject({
      type: 'object',
      required: ['error'],
      properties: { error: { required: ['code', 'message'], properties: { code: {}, message: {}, details: {} } } },
    });
    for (const name of [
      'BadRequest',
      'Unauthorized',
      'Forbidden',
      'NotFound',
      'Conflict',
      'PayloadTooLarge',
      'UnsupportedMediaType',
    ]) {
      expect(doc.components.responses[name].content['application/json'].schema).toEqual({
        $ref: '#/components/schemas/Error',
      });
    }
  });

  it('has no reference that leads nowhere, and no `$schema` or `$id` left inside', () => {
    const all = refs(doc);
    expect(all.length).toBeGreaterThan(50);
    for (const ref of all) expect([ref, resolve(ref) !== undefined]).toEqual([ref, true]);
    expect(JSON.stringify(doc)).not.toMatch(/"\$(schema|id)"/);
  });

  it('gives every operation a unique id, a summary, a tag, and at least one answer', () => {
    const ids = new Set<string>();
    for (const [path, item] of Object.entries<Json>(doc.paths)) {
      for (const [method, op] of Object.entries<Json>(item)) {
        const label = `${method.toUpperCase()} ${path}`;
        expect([label, typeof op.summary, op.tags?.length, Object.keys(op.responses).length > 0]).toEqual([
          label,
          'string',
          1,
          true,
        ]);
        expect([label, ids.has(op.operationId)]).toEqual([label, false]);
        ids.add(op.operationId);
        for (const name of path.match(/\{(\w+)\}/g) ?? []) {
          const param = op.parameters?.find((p: Json) => p.in === 'path' && `{${p.name}}` === name);
          expect([label, name, param?.required]).toEqual([label, name, true]);
        }
      }
    }
  });

  it('describes request bodies and queries with the very schemas the routes validate with', () => {
    const find = (method: string, path: string) => ops.find((op) => op.method === method && op.path === path)!;
    expect(find('post', '/v1/moderation/bans').body).toBe(newBanSchema);
    expect(find('patch', '/v1/admin/sites/:key').body).toBe(siteChangesSchema);
    expect(find('post', '/v1/admin/tokens').body).toBe(newTokenSchema);

    const submit = doc.paths['/v1/sites/{siteKey}/comments'].post.requestBody.content['application/json'].schema;
    expect(submit.required).toEqual(['pageId', 'name', 'email', 'text']);
    expect(submit.properties.text.maxLength).toBe(5000);
    expect(submit.properties.email.format).toBe('email');
    const list = doc.paths['/v1/moderation/comments'].get.parameters.find((p: Json) => p.name === 'status');
    expect(list).toMatchObject({
      in: 'query',
      required: false,
      schema: { enum: expect.arrayContaining(['held', 'approved']) },
    });
  });

  it('follows the configuration: the longest comment is PARLEY_MAX_COMMENT_LENGTH', () => {
    const other = buildOpenApiDocument(declaredOperations(300)) as Json;
    expect(
      other.paths['/v1/sites/{siteKey}/comments'].post.requestBody.content['application/json'].schema.properties.text
        .maxLength,
    ).toBe(300);
  });

  it('has examples that its own schemas accept: bodies, queries and answers', () => {
    let checked = 0;
    for (const op of ops) {
      const label = `${op.method.toUpperCase()} ${op.path}`;
      if (op.body) {
        expect([label, op.bodyExample !== undefined]).toEqual([label, true]);
        const result = op.body.safeParse(op.bodyExample);
        expect([label, result.success ? 'ok' : result.error.issues]).toEqual([label, 'ok']);
        checked++;
      }
      if (op.query) {
        const result = op.query.safeParse(op.queryExample ?? {});
        expect([label, result.success ? 'ok' : result.error.issues]).toEqual([label, 'ok']);
        checked++;
      }
      for (const [status, answer] of Object.entries(op.responses)) {
        if (answer.schema) {
          expect([label, status, answer.example !== undefined]).toEqual([label, status, true]);
          const result = (answer.schema as z.ZodType).safeParse(answer.example);
          expect([label, status, result.success ? 'ok' : result.error.issues]).toEqual([label, status, 'ok']);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('never shows an email or IP in a public example', () => {
    for (const op of ops.filter((o) => o.tag === 'Public')) {
      for (const answer of Object.values(op.responses)) {
        expect(JSON.stringify(answer.example ?? '')).not.toMatch(/@|203\.0\.113/);
      }
    }
  });
});
