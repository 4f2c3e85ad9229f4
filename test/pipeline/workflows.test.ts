import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * Thin YAML, checked: every project command a workflow runs exists (an npm script, a
 * `pipeline` subcommand), every third-party action is pinned to a commit, and the deploy role's
 * trust is only reachable from jobs that run in a GitHub environment.
 */

const root = join(__dirname, '..', '..');
const dir = join(root, '.github', 'workflows');
const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));
const text = (f: string) => readFileSync(join(dir, f), 'utf8');
type Job = {
  uses?: string;
  environment?: unknown;
  permissions?: Record<string, string>;
  steps?: { uses?: string; run?: string; with?: Record<string, unknown> }[];
};
const jobs = (f: string) => Object.entries((parse(text(f)) as { jobs: Record<string, Job> }).jobs);

describe('workflows', () => {
  const scripts = Object.keys(
    (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: object }).scripts,
  );
  const pipelineSource = readFileSync(join(root, 'tools', 'pipeline.ts'), 'utf8');
  const subcommands = [...pipelineSource.matchAll(/\.command\('([a-z-]+)'\)/g)].map((m) => m[1]);

  it('run only npm scripts the project has', () => {
    const used = files.flatMap((f) =>
      [...text(f).matchAll(/npm run (?:--silent )?([a-z:-]+)/g)].map((m) => `${f}: ${m[1]}`),
    );
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter((u) => !scripts.includes(u.split(': ')[1]!))).toEqual([]);
  });

  it('have a deploy job for every wave up to the --max-wave they pass, each after the one before', () => {
    const file = 'deploy-environment.yml';
    const maxWave = Number(/--max-wave (\d+)/.exec(text(file))?.[1]);
    const waves = jobs(file).filter(([name]) => /^wave-\d+$/.test(name));
    expect(waves.map(([name]) => name)).toEqual(Array.from({ length: maxWave }, (_, i) => `wave-${i + 1}`));
    for (const [name, job] of waves) {
      const n = Number(name.slice('wave-'.length));
      const needs = [(job as Job & { needs?: string | string[] }).needs ?? []].flat();
      expect([name, [...needs].sort()]).toEqual([
        name,
        ['changes', ...Array.from({ length: n - 1 }, (_, i) => `wave-${i + 1}`)].sort(),
      ]);
      expect(JSON.stringify(job)).toContain(`needs.changes.outputs.${name}`);
    }
  });

  it('call only pipeline subcommands tools/pipeline.ts defines', () => {
    const used = files.flatMap((f) => [...text(f).matchAll(/pipeline -- ([a-z-]+)/g)].map((m) => m[1]!));
    expect(new Set(used)).toEqual(
      new Set(['changed', 'roles', 'merge-plans', 'comment', 'gate', 'apply', 'graph', 'drift']),
    );
    expect(used.filter((u) => !subcommands.includes(u))).toEqual([]);
  });

  it('pin every third-party action to a commit', () => {
    const uses = files.flatMap((f) =>
      jobs(f).flatMap(([, job]) => (job.steps ?? []).map((s) => s.uses).filter((u): u is string => !!u)),
    );
    expect(uses.length).toBeGreaterThan(10);
    expect(uses.filter((u) => !/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/.test(u))).toEqual([]);
  });

  it('assume the deploy role only in jobs that run in a GitHub environment', () => {
    for (const f of files) {
      for (const [name, job] of jobs(f)) {
        const deploy = (job.steps ?? []).some((s) => String(s.with?.['role-to-assume'] ?? '').includes('deploy-role'));
        if (deploy) expect([f, name, job.environment]).toEqual([f, name, '${{ inputs.environment }}']);
      }
    }
  });

  it('ask for an OIDC token only where a role is assumed', () => {
    for (const f of files) {
      for (const [name, job] of jobs(f)) {
        if (job.uses || job.permissions?.['id-token'] !== 'write') continue;
        const assumes = (job.steps ?? []).some((s) => s.with?.['role-to-assume'] !== undefined);
        expect([f, name, assumes]).toEqual([f, name, true]);
      }
    }
  });
});
