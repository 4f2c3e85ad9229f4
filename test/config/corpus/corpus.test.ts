import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CASES, renderInput } from './cases';
import type { BatchResult } from './batch-main';
import { SYNTH_MARKER, synthMarker } from '../../../stacks/synth-output';

/**
 * The bad-input corpus, run through the real entry point (main.ts) in two worker processes
 * (this machine has two cores). Each case: exit code 1, a message naming the source file, the
 * field path and the rule, no stack trace, and the previous synth output left as it was.
 */

const ROOT = join(__dirname, '..', '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const WORKERS = 2;
// A previous dev synth, marker included: synth would replace it, so it must survive every case.
const PREVIOUS = {
  'manifest.json': '{"previous":"synth"}',
  'stacks/dev-x/cdk.tf.json': '{"keep":"me"}',
  [SYNTH_MARKER]: synthMarker('dev'),
};

let dir: string;
const results = new Map<string, BatchResult & { outdir: string; source: string }>();

function snapshot(folder: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (sub: string) => {
    for (const entry of readdirSync(join(folder, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else out[rel] = readFileSync(join(folder, rel), 'utf8');
    }
  };
  walk('');
  return out;
}

function runWorker(index: number, batch: { id: string; env: Record<string, string> }[]): Promise<BatchResult[]> {
  const casesFile = join(dir, `worker-${index}.json`);
  const resultsFile = join(dir, `worker-${index}-results.json`);
  writeFileSync(casesFile, JSON.stringify(batch));
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [join(__dirname, 'batch-main.ts'), casesFile, resultsFile], {
      cwd: ROOT,
      env: { ...process.env, CHECKPOINT_DISABLE: '1' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`corpus worker ${index} exited ${code}`));
      else resolve(JSON.parse(readFileSync(resultsFile, 'utf8')) as BatchResult[]);
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'colossus-corpus-'));
  const batch = CASES.map((c, index) => {
    const id = `case-${String(index).padStart(3, '0')}`;
    const outdir = join(dir, id, 'cdktf.out');
    for (const [file, text] of Object.entries(PREVIOUS)) {
      mkdirSync(join(outdir, file, '..'), { recursive: true });
      writeFileSync(join(outdir, file), text);
    }
    const env: Record<string, string> = { CDKTF_OUTDIR: outdir };
    let source = `${id}.yaml`;
    const bytes = renderInput(c.input);
    if (bytes) {
      writeFileSync(join(dir, id, source), bytes);
      env.COLOSSUS_CONFIG = join(dir, id, source);
    } else if (c.input.kind === 'folder') {
      source = 'a-folder';
      mkdirSync(join(dir, id, source));
      env.COLOSSUS_CONFIG = join(dir, id, source);
    }
    Object.assign(env, c.env);
    results.set(c.name, { id, exitCode: -1, stdout: '', stderr: '', ms: 0, outdir, source: c.source ?? source });
    return { id, env };
  });
  // Interleaved, so each worker gets a share of the slow cases.
  const shares = Array.from({ length: WORKERS }, (_, w) => batch.filter((_, i) => i % WORKERS === w));
  const done = (await Promise.all(shares.map((share, w) => runWorker(w, share)))).flat();
  const byId = new Map(done.map((r) => [r.id, r]));
  for (const [name, entry] of results) results.set(name, { ...entry, ...byId.get(entry.id)! });
}, 240_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(CASES.map((c) => [c.family, c.name, c] as const))('bad input [%s] %s', (_family, name, c) => {
  it('exits 1 naming the source, the field and the rule, with no stack trace and the last output intact', () => {
    const result = results.get(name)!;
    expect(result.escaped).toBeUndefined();
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^colossus: /);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stderr).toContain(c.source ?? result.source);
    expect(result.stderr).toContain(c.field);
    expect(result.stderr).toMatch(c.rule);
    // Short enough to read: at most 40 problems of 400 characters.
    expect(result.stderr.length).toBeLessThan(20_000);
    expect(snapshot(result.outdir)).toEqual(PREVIOUS);
  });
});
