import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = join(__dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

function synth(env: Record<string, string>, outdir: string) {
  return spawnSync(tsx, [join(root, 'main.ts')], {
    cwd: root,
    env: { ...process.env, ...env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1' },
    encoding: 'utf8',
  });
}

describe('the app entry point on bad input', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'colossus-entry-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the field and rule, prints no stack trace, and leaves the last good output untouched', () => {
    const outdir = join(dir, 'out');
    mkdirSync(outdir);
    writeFileSync(join(outdir, 'marker'), 'last good synth');
    const bad = readFileSync(join(root, 'config', 'environments', 'dev.yaml'), 'utf8').replace(
      /contractedGpus: 16\b/,
      'contractedGpus: 99999',
    );
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, bad);

    const result = synth({ COLOSSUS_CONFIG: file }, outdir);

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('colossus: invalid configuration in');
    expect(result.stderr).toContain(
      'clusters[colossus-1].tenants[lab-alpha].contractedGpus: tenant lab-alpha is contracted for 99999 GPUs',
    );
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(readFileSync(join(outdir, 'marker'), 'utf8')).toBe('last good synth');
    expect(existsSync(join(outdir, 'manifest.json'))).toBe(false);
  });

  it('reports an unknown environment with the ones that exist', () => {
    const result = synth({ COLOSSUS_ENV: 'qa' }, join(dir, 'qa'));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('environment file not found: config/environments/qa.yaml');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(join(dir, 'qa'))).toBe(false);
  });

  it('synthesizes the default environment when nothing is set', () => {
    const outdir = join(dir, 'dev');
    const result = synth({}, outdir);
    expect(result.status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
      stacks: Record<string, unknown>;
    };
    expect(Object.keys(manifest.stacks).every((s) => s.startsWith('dev-'))).toBe(true);
    // It says what it did: environment, stacks, each gate and its report.
    const stacks = Object.keys(manifest.stacks).length;
    expect(result.stdout).toContain(`synth dev (target aws): synthesized into ${outdir}`);
    expect(result.stdout).toMatch(new RegExp(`^  ${stacks} stacks, \\d+ resources:$`, 'm'));
    expect(result.stdout).toContain(
      `compliance: passed, 0 error finding(s) in ${stacks} stacks (${outdir}/compliance/index.md)`,
    );
    expect(result.stdout).toContain(
      `isolation:  passed, 0 leak(s), 0 cannot prove, between 2 tenants (${outdir}/isolation/report.md)`,
    );
    expect(result.stdout).toMatch(
      /resilience: passed, every tenant keeps its contracted GPUs in each of \d+ single-failure scenarios/,
    );
    expect(existsSync(join(outdir, 'isolation', 'report.md'))).toBe(true);
  });

  it('refuses an unknown option, and says which one', () => {
    const result = spawnSync(tsx, [join(root, 'main.ts'), '--verbose'], {
      cwd: root,
      env: { ...process.env, CDKTF_OUTDIR: join(dir, 'opt'), CHECKPOINT_DISABLE: '1' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'colossus: invalid option:\n  - --verbose: the only options are --quiet and --stack <name> (repeatable)',
    );
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it('synthesizes the offline target, with a placeholder for every upstream output a stack reads', () => {
    const outdir = join(dir, 'offline');
    const result = synth({ COLOSSUS_TARGET: 'offline' }, outdir);
    expect(result.status).toBe(0);
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
      stacks: Record<string, { workingDirectory: string }>;
    };
    const compute = Object.entries(manifest.stacks).find(([name]) => name.includes('-compute-'));
    const json = JSON.parse(readFileSync(join(outdir, compute![1].workingDirectory, 'cdk.tf.json'), 'utf8')) as {
      data: { terraform_remote_state: Record<string, { config: { path: string }; defaults: object }> };
    };
    const stackDir = join(outdir, compute![1].workingDirectory);
    for (const [name, state] of Object.entries(json.data.terraform_remote_state)) {
      // The output is outside the project here: the path still leads to the project's .state.
      expect(resolve(stackDir, state.config.path)).toMatch(
        new RegExp(`^${join(root, '.state', 'offline', 'dev')}/dev-colossus-[12]-${name}\\.tfstate$`),
      );
      expect(Object.keys(state.defaults).length).toBeGreaterThan(0);
    }
  });
});

/** Every file under `dir`, relative, with its bytes. */
function tree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (sub: string) => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else files.set(rel, readFileSync(join(dir, rel)));
    }
  };
  walk('');
  return files;
}

describe('the app entry point: parts and selections', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'colossus-parts-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes byte for byte the same output split across two processes as in one', () => {
    const one = join(dir, 'one');
    const two = join(dir, 'two');
    const env = { COLOSSUS_ENV: 'staging', COLOSSUS_QUIET: '1' };
    expect(synth({ ...env, COLOSSUS_SYNTH_JOBS: '1' }, one).status).toBe(0);
    const split = synth({ ...env, COLOSSUS_SYNTH_JOBS: '2' }, two);
    expect(split.stderr).toBe('');
    expect(split.status).toBe(0);
    const [a, b] = [tree(one), tree(two)];
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [file, bytes] of a) expect({ file, same: bytes.equals(b.get(file)!) }).toEqual({ file, same: true });
    // Both really were written: every stack, its reports, and no worker folder left behind.
    expect([...a.keys()].filter((f) => f.endsWith('cdk.tf.json')).length).toBeGreaterThan(3);
    expect([...b.keys()].some((f) => f.includes('.parts'))).toBe(false);
  });

  it('keeps local state in COLOSSUS_STATE_DIR when it is set, and in <project>/.state when not', () => {
    const network = 'dev-colossus-1-network';
    const backendPath = (outdir: string) => {
      const stackDir = join(outdir, 'stacks', network);
      const json = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')) as {
        terraform: { backend: { local: { path: string } } };
      };
      return resolve(stackDir, json.terraform.backend.local.path);
    };
    const elsewhere = join(dir, 'state-elsewhere');
    for (const [setting, stateRoot] of [
      [elsewhere, elsewhere],
      ['', join(resolve(root), '.state')],
    ] as const) {
      const outdir = join(dir, `state-${setting ? 'set' : 'unset'}`);
      const result = spawnSync(tsx, [join(root, 'main.ts'), '--stack', network, '--quiet'], {
        cwd: root,
        env: {
          ...process.env,
          COLOSSUS_ENV: 'dev',
          COLOSSUS_STATE_DIR: setting,
          CDKTF_OUTDIR: outdir,
          CHECKPOINT_DISABLE: '1',
        },
        encoding: 'utf8',
      });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(backendPath(outdir)).toBe(join(stateRoot, 'dev', `${network}.tfstate`));
    }
  });

  it('synthesizes only the named stack and the stacks it reads, gates and reports included', () => {
    const outdir = join(dir, 'selected');
    const all = JSON.parse(readFileSync(join(dir, 'one', 'manifest.json'), 'utf8')) as { stacks: object };
    const compute = Object.keys(all.stacks).find((n) => n.includes('-compute-'))!;
    const cluster = compute.replace(/-compute-.*$/, '');
    const result = spawnSync(tsx, [join(root, 'main.ts'), '--stack', compute], {
      cwd: root,
      env: { ...process.env, COLOSSUS_ENV: 'staging', CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`only ${compute.replace(/^staging-/, '')} and the stacks they read`);
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as { stacks: object };
    expect(Object.keys(manifest.stacks).sort()).toEqual([`${cluster}-network`, `${cluster}-tenancy`, compute].sort());
    for (const report of ['isolation/report.md', 'compliance/index.md', `compliance/${compute}.json`])
      expect(existsSync(join(outdir, report))).toBe(true);
    // The same bytes as the whole environment's synth wrote for that stack.
    const stack = `stacks/${compute}/cdk.tf.json`;
    expect(readFileSync(join(outdir, stack)).equals(readFileSync(join(dir, 'one', stack)))).toBe(true);
  });

  it('refuses an unknown stack in COLOSSUS_STACKS, listing the stacks, and writes nothing', () => {
    const outdir = join(dir, 'unknown');
    const result = synth({ COLOSSUS_ENV: 'staging', COLOSSUS_STACKS: 'staging-colossus-9-network' }, outdir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'colossus: unknown stack in staging:\n  - staging-colossus-9-network: not a stack of staging (COLOSSUS_STACKS or --stack)\n  - stacks are: ',
    );
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(outdir)).toBe(false);
  });

  it('refuses a COLOSSUS_SYNTH_JOBS that is not a count, and a COLOSSUS_SYNTH_PART it did not write', () => {
    const jobs = synth({ COLOSSUS_SYNTH_JOBS: 'many' }, join(dir, 'jobs'));
    expect(jobs.status).toBe(1);
    expect(jobs.stderr).toContain(
      'colossus: invalid COLOSSUS_SYNTH_JOBS:\n  - COLOSSUS_SYNTH_JOBS: must be a whole number of at least 1 (got "many")',
    );
    const part = synth({ COLOSSUS_SYNTH_PART: '{"dir":1}' }, join(dir, 'part'));
    expect(part.status).toBe(1);
    expect(part.stderr).toContain('colossus: invalid COLOSSUS_SYNTH_PART:');
    expect(part.stderr).not.toMatch(/^\s+at /m);
  });
});
