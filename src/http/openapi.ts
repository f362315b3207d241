import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ApiError, ERROR_CODES, ERROR_DEFINITIONS, type ErrorStatus } from '../errors';
import { COMMENT_ID, SITE_KEY } from './examples';
import type { Auth, Operation, Tag } from './route';

/**
 * The OpenAPI 3.1 document of the HTTP API, served at `/openapi.json` and rendered at
 * `/docs`, built from the operations the routes declare (route.ts, route-registry.ts):
 * request bodies and queries are described by the very zod schemas the routes validate
 * with, answers by the schemas their modules declare (envelopes.ts and the domain's).
 */

type JsonSchema = Record<string, unknown>;

const TAGS: { name: Tag; description: string }[] = [
  {
    name: 'Public',
    description:
      "The widget's API. Browser requests must carry an `Origin` the site lists (403 otherwise); CORS answers name only the site's origins; requests without `Origin` are allowed.",
  },
  {
    name: 'Moderation',
    description:
      'The review queue. `Authorization: Bearer <token>` of a `moderator` or `admin` token; a token limited to one site sees only that site.',
  },
  { name: 'Admin', description: 'Sites and tokens. An `admin` token.' },
  {
    name: 'Webhooks',
    description:
      "A site's webhook endpoints and their deliveries. An `admin` token. Deliveries are signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`) and carry the public comment, its status and reasons: never the email or IP.",
  },
  { name: 'Operations', description: 'Health, readiness, metrics, this documentation, the queue dashboard.' },
  { name: 'Browser pages', description: 'The moderator UI, the widget script and the demo page.' },
];

/** The shared error answers, one per status, named as `components.responses` names them. */
const ERROR_RESPONSE_NAMES: Record<ErrorStatus, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  503: 'ServiceUnavailable',
};

/** The answer each shared error response shows as its example. */
const ERROR_EXAMPLES: Record<ErrorStatus, ApiError> = {
  400: ApiError.validation([{ path: 'email', message: 'Invalid email address' }]),
  401: ApiError.unauthorized(),
  403: ApiError.originNotAllowed('https://elsewhere.example'),
  404: ApiError.notFound('Comment'),
  409: ApiError.conflict('comment_deleted'),
  413: ApiError.payloadTooLarge(),
  415: ApiError.unsupportedMediaType('Send the comment as application/json.'),
  429: ApiError.rateLimited(42),
  500: ApiError.internal(),
  503: ApiError.unavailable('database_unavailable'),
};

/** A shared error answer: every code of that status, from the table in src/errors.ts, and an example. */
function errorResponse(status: ErrorStatus): JsonSchema {
  const codes = ERROR_CODES.filter((code) => ERROR_DEFINITIONS[code].status === status);
  return {
    description: codes.map((code) => `- \`${code}\`: ${ERROR_DEFINITIONS[code].meaning}`).join('\n'),
    content: {
      'application/json': {
        schema: { $ref: '#/components/schemas/Error' },
        example: ERROR_EXAMPLES[status].toBody(),
      },
    },
  };
}

const PATH_PARAMETERS: Record<string, { description: string; example: string }> = {
  siteKey: { description: 'The site key (`parley sites create` prints it).', example: SITE_KEY },
  key: { description: 'The site key.', example: SITE_KEY },
  pageId: { description: 'The page id given by the widget (`data-page-id`), URL-encoded.', example: 'hello-world' },
  id: { description: 'The id of the comment, ban or token.', example: COMMENT_ID },
  hash: { description: 'The content hash of a widget build.', example: '5d41402abc4b2a76' },
  deliveryId: { description: 'The id of a delivery attempt.', example: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' },
  asset: { description: 'A file of the documentation page.', example: 'swagger-ui.css' },
};

const SECURITY_SCHEMES = {
  token: {
    type: 'http',
    scheme: 'bearer',
    description: 'A moderator or admin token, `tok_<id>.<secret>` (`parley tokens create`).',
  },
  authorToken: { type: 'http', scheme: 'bearer', description: 'The `authorToken` from the submission answer.' },
  dashboardCookie: {
    type: 'apiKey',
    in: 'cookie',
    name: 'parley_queues',
    description: 'Set by `POST /admin/queues/login`.',
  },
};

const SECURITY: Record<Auth, Record<string, string[]>[] | undefined> = {
  none: undefined,
  author: [{ authorToken: [] }],
  moderator: [{ token: [] }],
  admin: [{ token: [] }],
  dashboard: [{ token: [] }, { dashboardCookie: [] }],
};

/** Drops what only clutters a document: `$schema`, regular expressions that restate a `format`, the safe-integer bounds of `.int()`. */
function tidy(ctx: { jsonSchema: JsonSchema }): void {
  const schema = ctx.jsonSchema;
  if (schema.format && schema.pattern) delete schema.pattern;
  if (schema.minimum === Number.MIN_SAFE_INTEGER) delete schema.minimum;
  if (schema.maximum === Number.MAX_SAFE_INTEGER) delete schema.maximum;
}

function requestSchema(schema: z.ZodType): JsonSchema {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    override: tidy,
  }) as JsonSchema;
  delete json.$schema;
  return json;
}

/** The response schemas that carry an id, as `components.schemas`. */
function componentSchemas(): Record<string, JsonSchema> {
  const { schemas } = z.toJSONSchema(z.globalRegistry, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    override: tidy,
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonSchema> };
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  return schemas;
}

/** A response schema: a reference when it has an id, inline otherwise. */
function responseSchema(schema: z.ZodType): JsonSchema {
  const id = z.globalRegistry.get(schema)?.id;
  if (typeof id === 'string') return { $ref: `#/components/schemas/${id}` };
  return requestSchema(schema);
}

function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

function operationId(op: Operation): string {
  const words = op.path
    .replace(/^\/v1\//, '/')
    .split(/[/.]/)
    .filter(Boolean)
    .map((part) => (part.startsWith(':') ? `by-${part.slice(1)}` : part));
  return [op.method, ...words].join('-').replace(/[^A-Za-z0-9]+(.)/g, (_m, c: string) => c.toUpperCase());
}

function toOperation(op: Operation): JsonSchema {
  const parameters: JsonSchema[] = [];
  for (const [, name] of op.path.matchAll(/:(\w+)/g)) {
    const known = PATH_PARAMETERS[name] ?? { description: name, example: name };
    parameters.push({
      name,
      in: 'path',
      required: true,
      description: known.description,
      schema: { type: 'string' },
      example: known.example,
    });
  }
  if (op.query) {
    const json = requestSchema(op.query) as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, schema] of Object.entries(json.properties ?? {})) {
      const parameter: JsonSchema = { name, in: 'query', required: json.required?.includes(name) ?? false, schema };
      if (op.queryExample?.[name] !== undefined) parameter.example = op.queryExample[name];
      parameters.push(parameter);
    }
  }

  const answers: Record<string, unknown> = {};
  for (const [status, spec] of Object.entries(op.responses)) {
    const answer: JsonSchema = { description: spec.description };
    if (spec.schema || spec.contentType) {
      const media: JsonSchema = {};
      if (spec.schema) media.schema = responseSchema(spec.schema);
      if (spec.example !== undefined) media.example = spec.example;
      answer.content = { [spec.contentType ?? 'application/json']: media };
    }
    if (spec.headers) {
      answer.headers = Object.fromEntries(
        Object.entries(spec.headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }]),
      );
    }
    answers[status] = answer;
  }
  for (const status of op.errors ?? [])
    answers[status] = { $ref: `#/components/responses/${ERROR_RESPONSE_NAMES[status]}` };

  const operation: JsonSchema = {
    operationId: operationId(op),
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    responses: answers,
  };
  const security = SECURITY[op.auth ?? 'none'];
  if (security) operation.security = security;
  if (op.body) {
    operation.requestBody = {
      required: !(op.method === 'delete'),
      content: {
        'application/json': {
          schema: requestSchema(op.body),
          ...(op.bodyExample !== undefined ? { example: op.bodyExample } : {}),
        },
      },
    };
  } else if (op.formBody) {
    operation.requestBody = {
      required: true,
      content: { 'application/x-www-form-urlencoded': { schema: op.formBody } },
    };
  }
  return operation;
}

const packageJson = z.object({ version: z.string().default('0.0.0') });

let packageVersion: string | undefined;
/** The version in package.json (found upwards from here, from src/http and dist/src/http alike). */
function version(): string {
  if (packageVersion) return packageVersion;
  for (let dir = __dirname; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file))
      return (packageVersion = packageJson.parse(JSON.parse(fs.readFileSync(file, 'utf8'))).version);
  }
  return (packageVersion = '0.0.0');
}

/** The OpenAPI 3.1 document of an app, from the operations its routes declare. */
export function buildOpenApiDocument(operations: readonly Operation[]): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const key = openApiPath(op.path);
    paths[key] ??= {};
    if (paths[key][op.method]) throw new Error(`two operations for ${op.method.toUpperCase()} ${op.path}`);
    paths[key][op.method] = toOperation(op);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Parley',
      version: version(),
      summary: 'Self-hosted comments with a moderation pipeline.',
      description:
        'Every error is JSON, `{"error": {"code", "message", "details"?}}`, with the status that fits; bad input never gets a 500. ' +
        'Operations, deployment and configuration: see the README.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/', description: 'This server' }],
    tags: TAGS,
    paths,
    components: {
      schemas: componentSchemas(),
      responses: Object.fromEntries(
        [...new Set(operations.flatMap((op) => op.errors ?? []))]
          .sort()
          .map((status) => [ERROR_RESPONSE_NAMES[status], errorResponse(status)]),
      ),
      securitySchemes: SECURITY_SCHEMES,
    },
  };
}
