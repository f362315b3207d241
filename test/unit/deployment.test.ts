import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { defaults } from '../../config/defaults';
import { loadConfig } from '../../src/config';

const ROOT = path.resolve(__dirname, '../..');
const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });
const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');

/** Compose's ${VAR:-default} with the defaults filled in, as compose would with no .env. */
const interpolate = (value: string) => value.replace(/\$\{(\w+):-([^}]*)\}/g, (_m, _name, fallback) => fallback);

describe('docker-compose.yml', () => {
  it('runs redis, postgres, api and worker', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'postgres', 'redis', 'worker']);
  });

  it('keeps Redis append-only and gives every stateful service a volume', () => {
    expect(compose.services.redis.command.join(' ')).toMatch(/--appendonly yes/);
    expect(compose.services.redis.volumes[0]).toMatch(/:\/data$/);
    expect(compose.services.postgres.volumes[0]).toMatch(/:\/var\/lib\/postgresql\/data$/);
  });

  it('health-checks the services the app waits for, and the API on readiness', () => {
    for (const name of ['redis', 'postgres', 'api']) expect(compose.services[name].healthcheck.test).toBeDefined();
    expect(compose.services.api.healthcheck.test.join(' ')).toContain('/readyz');
    for (const name of ['api', 'worker']) {
      expect(compose.services[name].depends_on.redis.condition).toBe('service_healthy');
      expect(compose.services[name].depends_on.postgres.condition).toBe('service_healthy');
    }
  });

  it("gives api and worker an environment Parley's own config accepts, pointing at the compose services", () => {
    for (const name of ['api', 'worker']) {
      const env = Object.fromEntries(
        Object.entries(compose.services[name].environment as Record<string, string>).map(([k, v]) => [
          k,
          interpolate(String(v)),
        ]),
      );
      for (const key of Object.keys(env)) expect(Object.keys(defaults)).toContain(key);
      const config = loadConfig(env);
      expect(config.database).toEqual({ dialect: 'postgres', url: 'postgres://parley:parley@postgres:5432/parley' });
      expect(config.redis.url).toBe('redis://redis:6379');
      expect(config.production).toBe(true);
    }
    expect(compose.services.api.command).toEqual(['node', 'dist/src/main.js', 'api']);
    expect(compose.services.worker.command).toEqual(['node', 'dist/src/main.js', 'worker']);
  });

  it('lets the worker scale: no published ports, no fixed container name', () => {
    expect(compose.services.worker.ports).toBeUndefined();
    expect(compose.services.worker.container_name).toBeUndefined();
  });
});

describe('Dockerfile', () => {
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const final = stages[stages.length - 1];

  it('builds in one stage and runs from a second, without dev dependencies', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[0]).toMatch(/npm ci/);
    expect(stages[0]).toMatch(/npm prune --omit=dev/);
    expect(final).toMatch(/COPY --from=build \/app\/node_modules/);
  });

  it('ships the default moderation model every process loads at start', () => {
    expect(final).toMatch(/^COPY models \.\/models$/m);
    expect(fs.existsSync(path.join(ROOT, 'models', 'default-model.json'))).toBe(true);
  });

  it('runs as a non-root user with a health check', () => {
    expect(final).toMatch(/^USER node$/m);
    expect(final).toMatch(/^HEALTHCHECK .*\n?.*\/healthz/m);
  });

  it('starts the compiled command that the build produces', () => {
    const cmd = /^CMD (\[.*\])$/m.exec(final);
    expect(cmd).not.toBeNull();
    const [node, script, role] = JSON.parse(cmd![1]);
    expect(node).toBe('node');
    expect(role).toBe('start');
    // `npm test` builds first, exactly as the image's `npm ci` does through `prepare`.
    expect(fs.existsSync(path.join(ROOT, script))).toBe(true);
  });
});
