import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { defaults } from '../../config/defaults';
import { ConfigError, loadConfig } from '../../src/config';
import { ParleyMetrics } from '../../src/metrics/parley-metrics';

const ROOT = path.resolve(__dirname, '../..');
const docs = require('../../scripts/docs-config.js') as {
  readSettings(): { name: string; value: string; description: string }[];
  staleFiles(): string[];
  START: string;
  END: string;
};
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const envExample = fs.readFileSync(path.join(ROOT, '.env.example'), 'utf8');
const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });
const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');

/** The environment variables the code reads: every one goes through config/defaults.ts, nothing reads process.env elsewhere. */
function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return ['widget', 'moderator-ui'].includes(entry.name) ? [] : sourceFiles(file);
    return file.endsWith('.ts') ? [file] : [];
  });
}

describe('configuration reference', () => {
  it('is generated from config/defaults.ts, and README.md and .env.example are up to date (npm run docs:config)', () => {
    expect(docs.staleFiles()).toEqual([]);
    const check = spawnSync(process.execPath, [path.join(ROOT, 'scripts/docs-config.js'), '--check'], {
      encoding: 'utf8',
    });
    expect(check.status).toBe(0);
  });

  it('documents every setting the configuration reads, with a description, in README.md and .env.example', () => {
    const settings = docs.readSettings();
    expect(settings.map((s) => s.name)).toEqual(Object.keys(defaults));
    const table = readme.slice(readme.indexOf(docs.START), readme.indexOf(docs.END));
    for (const { name, value, description } of settings) {
      expect([name, description.length > 10]).toEqual([name, true]);
      expect([name, defaults[name as keyof typeof defaults]]).toEqual([name, value]);
      expect(table).toMatch(new RegExp(`^\\| \`${name}\` \\|`, 'm'));
      expect(envExample).toMatch(new RegExp(`^#?${name}=`, 'm'));
    }
  });

  it('has no environment variable read outside the configuration', () => {
    for (const file of [...sourceFiles(path.join(ROOT, 'src')), ...sourceFiles(path.join(ROOT, 'workers'))]) {
      const text = fs.readFileSync(file, 'utf8');
      const reads = text.match(/process\.env(\.\w+|\[)/g) ?? [];
      if (path.relative(ROOT, file) === path.join('src', 'config.ts')) continue;
      expect([path.relative(ROOT, file), reads]).toEqual([path.relative(ROOT, file), []]);
    }
  });

  it('fails the check when a description changes without regenerating', () => {
    const script = fs.readFileSync(path.join(ROOT, 'scripts/docs-config.js'), 'utf8');
    expect(script).toContain("process.argv.includes('--check')");
    const settings = docs.readSettings();
    const renderTable = (require('../../scripts/docs-config.js') as { renderTable(s: typeof settings): string })
      .renderTable;
    const changed = renderTable(settings.map((s, i) => (i === 0 ? { ...s, description: 'something else' } : s)));
    expect(readme).not.toContain(changed);
    expect(readme).toContain(renderTable(settings));
  });
});

describe('PARLEY_METRICS_PORT', () => {
  it('is empty by default (metrics on the API port), or a port of its own', () => {
    expect(loadConfig({}).metricsPort).toBeUndefined();
    expect(loadConfig({ PARLEY_METRICS_PORT: '0' }).metricsPort).toBeUndefined();
    expect(loadConfig({ PARLEY_METRICS_PORT: '9100' }).metricsPort).toBe(9100);
  });

  it('refuses anything else, naming the variable', () => {
    expect(() => loadConfig({ PARLEY_METRICS_PORT: 'metrics' })).toThrow(ConfigError);
    expect(() => loadConfig({ PARLEY_METRICS_PORT: '70000' })).toThrow(/PARLEY_METRICS_PORT="70000": expected/);
  });
});

describe('deployment files and operations', () => {
  it('lets .env reach the api and worker containers, with the compose values winning', () => {
    for (const name of ['api', 'worker']) {
      expect(compose.services[name].env_file).toEqual([{ path: '.env', required: false }]);
      expect(compose.services[name].environment.PARLEY_METRICS_PORT).toBe('9100');
    }
    expect(envExample).toMatch(/^POSTGRES_PASSWORD=/m);
  });

  it('health-checks the worker through its metrics port', () => {
    const test = compose.services.worker.healthcheck.test.join(' ');
    expect(test).toContain('http://127.0.0.1:9100/healthz');
    expect(compose.services.worker.healthcheck.disable).toBeUndefined();
  });

  it('explains why the Dockerfile prunes instead of running npm ci --omit=dev in the final stage', () => {
    expect(dockerfile).toMatch(/npm prune --omit=dev[\s\S]*npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^EXPOSE 3000 9100$/m);
  });

  it('documents operations in the README: scaling, Redis and PostgreSQL, backups, upgrades, metrics', () => {
    const section = readme.slice(readme.indexOf('## Operations'));
    expect(section.length).toBeGreaterThan(0);
    for (const heading of ['Scaling out', 'Redis and PostgreSQL', 'Backups', 'Upgrades', 'Metrics', 'Logs']) {
      expect(section).toContain(`### ${heading}`);
    }
    // Every family the code registers, so a new metric cannot be left out of the list.
    const families = new ParleyMetrics().registry.getMetricsAsArray().map((m) => m.name);
    expect(families.length).toBeGreaterThanOrEqual(9);
    for (const family of families) {
      expect(section).toContain(`\`${family}\``);
    }
  });
});
