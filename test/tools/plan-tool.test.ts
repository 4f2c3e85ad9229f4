import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../tools/run';
import { PROJECT_ROOT } from '../../tools/terraform';

/**
 * `npm run plan` against a stand-in Terraform: the plan JSON is streamed into plans/<stack>.json
 * byte for byte, the summary line is found in a long plan output, every step is logged, and a
 * failed step shows its last lines and leaves no half-written plan.
 */

const SHOW_CHUNKS = 400;
const SHOW_CHUNK = 50 * 1024;

/** The stand-in: what it does depends on the stack folder it runs in. */
const FAKE_TERRAFORM = `
const stack = require('node:path').basename(process.cwd());
const [command] = process.argv.slice(2);
function writeAll(chunks, done) {
  let i = 0;
  (function more() {
    while (i < chunks) {
      const ok = process.stdout.write(chunkOf(i++));
      if (!ok) return process.stdout.once('drain', more);
    }
    done();
  })();
}
function chunkOf(i) {
  if (i === 0) return '{"format_version":"1.2","padding":[';
  if (i === ${SHOW_CHUNKS + 1}) return '"end"]}\\n';
  return JSON.stringify(String(i).padEnd(${SHOW_CHUNK}, String.fromCharCode(97 + (i % 26)))) + ',';
}
if (command === 'version') console.log(JSON.stringify({ terraform_version: '1.11.4' }));
else if (command === 'init') {
  const fs = require('node:fs');
  fs.mkdirSync('.terraform/providers', { recursive: true });
  fs.writeFileSync('.terraform/providers/marker', stack);
  fs.writeFileSync('.terraform.lock.hcl', '# lock\\n');
  if (process.env.STAND_IN_CALLS) fs.appendFileSync(process.env.STAND_IN_CALLS, 'init ' + stack + '\\n');
  console.log('Terraform has been successfully initialized!');
}
else if (command === 'validate' && stack === 'invalid') {
  console.error('Error: Reference to undeclared resource');
  process.exitCode = 1;
} else if (command === 'validate') console.log('Success! The configuration is valid.');
else if (command === 'plan' && stack === 'plan-fails') {
  for (let i = 1; i <= 100; i++) console.error('plan error line ' + i);
  process.exitCode = 1;
} else if (command === 'plan') {
  for (let i = 0; i < 30000; i++) console.log('  # aws_instance.su_' + i + ' will be created');
  console.log('Plan: 30000 to add, 0 to change, 0 to destroy.');
  // More than a tail's worth after the summary: it must be found as the output streams.
  for (let i = 0; i < 2000; i++) console.log('Note: Saved the plan to: plan.bin, line ' + i);
} else if (command === 'show' && stack === 'show-fails') {
  process.stdout.write('{"format_version":"1.2","planned_values":{');
  console.error('Error: show broke');
  process.exitCode = 1;
} else if (command === 'show') writeAll(${SHOW_CHUNKS + 2}, () => {});
else process.exitCode = 2;
`;

function expectedShowHash(): string {
  const hash = createHash('sha256');
  hash.update('{"format_version":"1.2","padding":[');
  for (let i = 1; i <= SHOW_CHUNKS; i++) {
    hash.update(`${JSON.stringify(String(i).padEnd(SHOW_CHUNK, String.fromCharCode(97 + (i % 26))))},`);
  }
  hash.update('"end"]}\n');
  return hash.digest('hex');
}

/** A synth output of empty stacks in `dir`, planned by the plan tool with the stand-in Terraform. */
async function planWithStandIn(
  dir: string,
  stacks: readonly string[],
  options: readonly string[] = [],
  extra: { readonly stackJson?: string; readonly env?: NodeJS.ProcessEnv } = {},
) {
  const out = join(dir, 'synth');
  rmSync(out, { recursive: true, force: true });
  const manifest: Record<string, object> = {};
  for (const name of stacks) {
    mkdirSync(join(out, 'stacks', name), { recursive: true });
    writeFileSync(join(out, 'stacks', name, 'cdk.tf.json'), extra.stackJson ?? '{}\n');
    manifest[name] = { workingDirectory: `stacks/${name}`, synthesizedStackPath: `stacks/${name}/cdk.tf.json` };
  }
  writeFileSync(join(out, 'manifest.json'), JSON.stringify({ stacks: manifest }));
  writeFileSync(join(dir, 'fake-terraform.js'), FAKE_TERRAFORM);
  const terraform = join(dir, 'terraform');
  writeFileSync(terraform, `#!/bin/sh\nexec "${process.execPath}" "${join(dir, 'fake-terraform.js')}" "$@"\n`);
  chmodSync(terraform, 0o755);
  const result = await run(
    join(PROJECT_ROOT, 'node_modules', '.bin', 'tsx'),
    [join(PROJECT_ROOT, 'tools', 'plan.ts'), 'dev', '--synthesized', out, ...options],
    { cwd: PROJECT_ROOT, env: { ...process.env, COLOSSUS_TERRAFORM: terraform, ...extra.env } },
  );
  return { out, result };
}

describe('npm run plan, with a stand-in Terraform', () => {
  const stacks = ['ok-stack', 'plan-fails', 'show-fails'];
  let dir: string;
  let out: string;
  let result: Awaited<ReturnType<typeof run>>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plan-tool-'));
    ({ out, result } = await planWithStandIn(dir, stacks));
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('streams the plan JSON into plans/<stack>.json, every byte', () => {
    const file = join(out, 'plans', 'ok-stack.json');
    const written = readFileSync(file);
    expect(written.length).toBeGreaterThan(SHOW_CHUNKS * SHOW_CHUNK);
    expect(createHash('sha256').update(written).digest('hex')).toBe(expectedShowHash());
  });

  it('finds the summary line in a long plan output', () => {
    expect(result.stdoutTail).toContain('ok   ok-stack: Plan: 30000 to add, 0 to change, 0 to destroy.');
  });

  it("logs each step's output under logs/<stack>/", () => {
    expect(readdirSync(join(out, 'logs', 'ok-stack')).sort()).toEqual([
      'init.stderr',
      'init.stdout',
      'plan.stderr',
      'plan.stdout',
      'show.stderr',
    ]);
    const plan = readFileSync(join(out, 'logs', 'ok-stack', 'plan.stdout'), 'utf8').split('\n');
    expect(plan).toHaveLength(32002);
    expect(readFileSync(join(out, 'logs', 'plan-fails', 'plan.stderr'), 'utf8').split('\n')).toHaveLength(101);
  });

  it("shows a failed step's last 15 lines and where its whole output is", () => {
    expect(result.code).toBe(1);
    const index = JSON.parse(readFileSync(join(out, 'plans', 'index.json'), 'utf8')) as {
      stacks: { name: string; ok: boolean; error?: string }[];
    };
    const failed = index.stacks.find((s) => s.name === 'plan-fails');
    expect(failed?.ok).toBe(false);
    const lines = (failed?.error ?? '').split('\n');
    expect(lines[0]).toBe('terraform plan failed: plan error line 86');
    expect(lines[14]).toBe('plan error line 100');
    expect(lines[15]).toMatch(
      /^\(whole output: .*logs\/plan-fails\/plan\.stdout and .*logs\/plan-fails\/plan\.stderr\)$/,
    );
    expect(result.stderrTail).toContain('plan-fails: terraform plan failed: plan error line 86');
  });

  it('leaves no half-written plan when show fails', () => {
    const index = JSON.parse(readFileSync(join(out, 'plans', 'index.json'), 'utf8')) as {
      stacks: { name: string; ok: boolean; error?: string }[];
    };
    expect(index.stacks.find((s) => s.name === 'show-fails')?.error).toMatch(
      /^terraform show failed: Error: show broke\n\(whole output: .*logs\/show-fails\/show\.stderr\)$/,
    );
    expect(existsSync(join(out, 'plans', 'show-fails.json'))).toBe(false);
    expect(readdirSync(join(out, 'plans')).sort()).toEqual(['index.json', 'ok-stack.json']);
  });
});

describe('npm run plan --validate, with a stand-in Terraform', () => {
  let dir: string;
  let out: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plan-validate-'));
    ({ out } = await planWithStandIn(dir, ['valid', 'invalid'], ['--validate']));
  }, 120_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('validates each stack after init and plans none that fails', () => {
    const index = JSON.parse(readFileSync(join(out, 'plans', 'index.json'), 'utf8')) as {
      stacks: { name: string; ok: boolean; error?: string }[];
    };
    const invalid = index.stacks.find((s) => s.name === 'invalid');
    expect(invalid?.ok).toBe(false);
    expect(invalid?.error).toMatch(/^terraform validate failed: Error: Reference to undeclared resource/);
    expect(existsSync(join(out, 'logs', 'invalid', 'plan.stdout'))).toBe(false);
    expect(index.stacks.find((s) => s.name === 'valid')?.ok).toBe(true);
    expect(readFileSync(join(out, 'logs', 'valid', 'validate.stdout'), 'utf8')).toContain('The configuration is valid');
  });
});

describe('npm run plan, init taken from the cache for an offline stack planned again', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'plan-init-cache-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs init once for the same backend and providers, and again when they change', async () => {
    const calls = join(dir, 'calls.log');
    const env = { COLOSSUS_INIT_CACHE: join(dir, 'init-cache'), STAND_IN_CALLS: calls };
    const backend = (path: string) => JSON.stringify({ terraform: { backend: { local: { path } } } });
    const inits = () => readFileSync(calls, 'utf8').trim().split('\n');

    const first = await planWithStandIn(dir, ['cached'], [], { stackJson: backend('a.tfstate'), env });
    expect(first.result.code).toBe(0);
    const second = await planWithStandIn(dir, ['cached'], [], { stackJson: backend('a.tfstate'), env });
    expect(second.result.code).toBe(0);
    expect(inits()).toEqual(['init cached']);
    // The second plan ran in a fresh folder with what the first init left there, and says so.
    expect(readFileSync(join(second.out, 'stacks', 'cached', '.terraform', 'providers', 'marker'), 'utf8')).toBe(
      'cached',
    );
    expect(readFileSync(join(second.out, 'logs', 'cached', 'init.stdout'), 'utf8')).toMatch(
      /^terraform init not run: its result was restored from /,
    );

    await planWithStandIn(dir, ['cached'], [], { stackJson: backend('b.tfstate'), env });
    expect(inits()).toEqual(['init cached', 'init cached']);
  }, 120_000);

  it('never caches the init of a stack whose backend is not local', async () => {
    const calls = join(dir, 'calls-s3.log');
    const env = { COLOSSUS_INIT_CACHE: join(dir, 'init-cache'), STAND_IN_CALLS: calls };
    const s3 = JSON.stringify({ terraform: { backend: { s3: { bucket: 'b', key: 'k' } } } });
    await planWithStandIn(dir, ['remote'], [], { stackJson: s3, env });
    await planWithStandIn(dir, ['remote'], [], { stackJson: s3, env });
    expect(readFileSync(calls, 'utf8').trim().split('\n')).toEqual(['init remote', 'init remote']);
  }, 120_000);
});
