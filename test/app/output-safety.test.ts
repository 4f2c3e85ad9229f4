import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, parse, resolve } from 'node:path';
import { SYNTH_MARKER } from '../../stacks/synth-output';

/**
 * Output safety (issue 10, "Output safety"; part of the bad-input corpus): synth deletes or
 * replaces only folders it wrote itself. Each case points CDKTF_OUTDIR somewhere it must not
 * write and proves the exit code, the message naming the path, no stack trace, and that what
 * was there before is untouched.
 */
const root = join(__dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'colossus-output-safety-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function synth(outdir: string | undefined, options: { cwd?: string; env?: Record<string, string> } = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', ...options.env };
  delete env.COLOSSUS_CONFIG;
  delete env.CDKTF_CONTEXT_JSON;
  if (outdir === undefined) delete env.CDKTF_OUTDIR;
  else env.CDKTF_OUTDIR = outdir;
  return spawnSync(tsx, [join(root, 'main.ts'), '--quiet'], { cwd: options.cwd ?? root, env, encoding: 'utf8' });
}

/** Everything under a folder, with file contents: equal before and after means untouched. */
function contents(path: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (p: string, rel: string) => {
    for (const entry of readdirSync(p, { withFileTypes: true })) {
      const full = join(p, entry.name);
      if (entry.isDirectory()) walk(full, `${rel}${entry.name}/`);
      else out[`${rel}${entry.name}`] = readFileSync(full, 'utf8');
    }
  };
  walk(path, '');
  return out;
}

/** A folder of somebody's work: it must survive every case. */
function userFolder(path: string): string {
  mkdirSync(join(path, 'notes'), { recursive: true });
  writeFileSync(join(path, 'notes', 'plan.md'), 'my plan');
  writeFileSync(join(path, 'manifest.json'), '{"not": "a synth"}');
  return path;
}

function synthFolder(path: string, environment: string): string {
  mkdirSync(join(path, 'stacks'), { recursive: true });
  writeFileSync(join(path, SYNTH_MARKER), JSON.stringify({ writtenBy: 'colossus-infra synth output', environment }));
  writeFileSync(join(path, 'manifest.json'), '{"version": "last good"}');
  return path;
}

interface Case {
  readonly name: string;
  /** Prepares the case; returns CDKTF_OUTDIR, the folders that must survive, and where to run. */
  readonly setup: (base: string) => {
    outdir: string | undefined;
    keep: string[];
    cwd?: string;
    env?: Record<string, string>;
  };
  readonly message: (outdir: string) => string;
}

const cases: Case[] = [
  {
    name: 'an existing folder synth did not write',
    setup: (base) => ({ outdir: userFolder(join(base, 'work')), keep: [join(base, 'work')] }),
    message: (o) => `${o} exists and was not written by synth (it has no ${SYNTH_MARKER})`,
  },
  {
    name: 'a file',
    setup: (base) => {
      mkdirSync(base);
      writeFileSync(join(base, 'report.pdf'), 'precious');
      return { outdir: join(base, 'report.pdf'), keep: [base] };
    },
    message: (o) => `${o} is a file, not a synth output`,
  },
  {
    name: 'a symbolic link to a folder',
    setup: (base) => {
      userFolder(join(base, 'target'));
      symlinkSync(join(base, 'target'), join(base, 'link'));
      return { outdir: join(base, 'link'), keep: [join(base, 'target')] };
    },
    message: (o) => `${o} is a symbolic link`,
  },
  {
    name: 'an empty CDKTF_OUTDIR (the working directory)',
    setup: (base) => ({ outdir: '', keep: [userFolder(base)], cwd: base }),
    message: () => 'CDKTF_OUTDIR: is empty, which would mean the working directory',
  },
  {
    name: 'a whitespace CDKTF_OUTDIR',
    setup: (base) => ({ outdir: '  \t', keep: [userFolder(base)], cwd: base }),
    message: () => 'CDKTF_OUTDIR: is only whitespace',
  },
  {
    name: 'the working directory itself',
    setup: (base) => ({ outdir: '.', keep: [userFolder(base)], cwd: base }),
    message: (o) => `${o} is the working directory`,
  },
  {
    name: 'a parent of the working directory',
    setup: (base) => ({ outdir: '..', keep: [userFolder(join(base, 'inner'))], cwd: join(base, 'inner') }),
    message: (o) => `${o} is a parent of the working directory`,
  },
  {
    name: 'the project root',
    setup: () => ({ outdir: root, keep: [join(root, 'config')] }),
    message: (o) => `${o} is the project root`,
  },
  {
    name: 'a parent of the project',
    setup: () => ({ outdir: dirname(root), keep: [join(root, 'config')] }),
    message: (o) => `${o} is a parent of the project root`,
  },
  {
    name: 'the filesystem root',
    setup: () => ({ outdir: parse(root).root, keep: [join(root, 'config')] }),
    message: (o) => `${o} is the filesystem root`,
  },
  {
    name: "another environment's output",
    setup: (base) => ({ outdir: synthFolder(base, 'prod'), keep: [base] }),
    message: (o) => `${o} holds the output of environment prod; synthesize dev into its own folder`,
  },
  {
    name: "another environment's default folder (cdktf.out/prod)",
    setup: () => ({
      outdir: join(root, 'cdktf.out', 'prod'),
      keep: existsSync(join(root, 'cdktf.out', 'prod')) ? [join(root, 'cdktf.out', 'prod')] : [],
    }),
    message: (o) => `${o} is environment prod's output folder; dev synthesizes into ${join(root, 'cdktf.out', 'dev')}`,
  },
  {
    name: 'a rejected folder beside the output that synth did not write',
    setup: (base) => ({ outdir: join(base, 'out'), keep: [userFolder(join(base, 'out.rejected'))] }),
    message: (o) => `${o}.rejected exists and was not written by synth`,
  },
];

describe('synth refuses an output folder it did not write', () => {
  it.each(cases.map((c, i) => [c.name, c, i] as const))('%s', (_name, c, i) => {
    const base = join(dir, `case-${i}`);
    const { outdir, keep, cwd, env } = c.setup(base);
    const before = keep.map(contents);

    const result = synth(outdir, { cwd, env });

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('colossus: unsafe output folder:');
    const shown = outdir === undefined || outdir.trim() === '' ? '' : resolve(cwd ?? root, outdir);
    expect(result.stderr).toContain(c.message(shown));
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(keep.map(contents)).toEqual(before);
    // Nothing half-written beside it either.
    if (outdir?.trim()) {
      const out = resolve(cwd ?? root, outdir);
      expect(existsSync(dirname(out)) ? readdirSync(dirname(out)).filter((n) => n.includes('.staging-')) : []).toEqual(
        [],
      );
    }
  });
});

describe('synth replaces its own output and clears what dead synths left', () => {
  it('replaces a folder it wrote, removes a dead synth staging folder, and leaves an unmarked look-alike', () => {
    const base = join(dir, 'own');
    const outdir = synthFolder(join(base, 'out'), 'dev');
    writeFileSync(join(outdir, 'stale.txt'), 'from the last synth');
    // A process that has exited: its pid is free (the kernel does not reuse it at once).
    const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid!;
    const stale = synthFolder(`${outdir}.staging-${dead}`, 'dev');
    const lookAlike = userFolder(`${outdir}.staging-${dead + 1}`);
    const lookAlikeBefore = contents(lookAlike);

    const result = synth(outdir);

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    // --quiet: nothing on standard output either.
    expect(result.stdout).toBe('');
    expect(existsSync(join(outdir, 'stale.txt'))).toBe(false);
    expect(JSON.parse(readFileSync(join(outdir, SYNTH_MARKER), 'utf8'))).toMatchObject({ environment: 'dev' });
    expect(existsSync(join(outdir, 'manifest.json'))).toBe(true);
    expect(existsSync(stale)).toBe(false);
    expect(contents(lookAlike)).toEqual(lookAlikeBefore);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('removes its staging folder on %s and leaves the last good output as it was', async (signal, status) => {
    const base = join(dir, `signal-${signal}`);
    const outdir = synthFolder(join(base, 'out'), 'dev');
    const before = contents(outdir);
    const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: '1', CDKTF_OUTDIR: outdir };
    delete env.COLOSSUS_CONFIG;
    delete env.CDKTF_CONTEXT_JSON;
    const child = spawn(tsx, [join(root, 'main.ts')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    // tsx runs main.ts in a child of its own; the staging folder names that process.
    const staging = () => readdirSync(base).find((n) => n.startsWith('out.staging-'));
    while (!staging()) {
      if (child.exitCode !== null) throw new Error(`synth exited before staging: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const pid = Number(staging()!.split('-').pop());
    process.kill(pid, signal);
    const code = await exited;

    expect(stderr).toContain(
      `colossus: ${signal}: synth stopped; removed ${outdir}.staging-${pid}; ${outdir} is as it was`,
    );
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(code).toBe(status);
    expect(readdirSync(base)).toEqual(['out']);
    expect(contents(outdir)).toEqual(before);
  });
});
