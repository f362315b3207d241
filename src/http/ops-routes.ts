import type { z } from 'zod';
import { healthSchema, readinessSchema } from './envelopes';
import { json, type Route, route } from './route';

export interface Readiness {
  /** Each dependency's probe; a probe that throws marks it down. */
  [dependency: string]: () => Promise<unknown>;
}

const PROBE_TIMEOUT_MS = 2000;

async function probe(check: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), PROBE_TIMEOUT_MS);
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Liveness and readiness for load balancers and orchestrators. */
export function opsRoutes(readiness: Readiness): Route[] {
  return [
    route({
      method: 'get',
      path: '/healthz',
      tag: 'Operations',
      summary: 'Liveness: the process is up',
      responses: { 200: json(healthSchema, { description: 'Up.', example: { status: 'ok' } }) },
      handler: () => ({ status: 'ok' as const }),
    }),
    route({
      method: 'get',
      path: '/readyz',
      tag: 'Operations',
      summary: 'Readiness: the database and Redis answer',
      description: 'Load balancers should send traffic only to instances that answer 200.',
      responses: {
        200: json(readinessSchema, {
          description: 'Ready.',
          example: { status: 'ok', checks: { database: 'ok', redis: 'ok' } },
        }),
        503: json(readinessSchema, {
          description: 'A dependency is down; `checks` names it.',
          example: { status: 'unavailable', checks: { database: 'ok', redis: 'down' } },
        }),
      },
      handler: async ({ res }) => {
        const names = Object.keys(readiness);
        const results = await Promise.all(names.map((name) => probe(readiness[name])));
        const ready = results.every(Boolean);
        const body: z.input<typeof readinessSchema> = {
          status: ready ? 'ok' : 'unavailable',
          checks: Object.fromEntries(names.map((name, i) => [name, results[i] ? 'ok' : 'down'])),
        };
        // Two statuses, so answered here rather than with the route's one success status.
        res.status(ready ? 200 : 503).json(body);
      },
    }),
  ];
}
