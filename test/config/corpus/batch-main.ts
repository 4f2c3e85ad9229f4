/**
 * Runs main.ts once per case in this one process: the first case pays for loading cdktf and
 * the provider classes, the others take milliseconds. For each case it sets the variables,
 * loads main.ts afresh (its dependencies stay cached), and records what a user would see:
 * the exit code, stdout and stderr, and whether an exception escaped (a stack trace).
 *
 * Usage: tsx batch-main.ts <cases.json> <results.json>, where cases.json lists
 * { id, env } objects; env replaces every COLOSSUS_* and CDKTF_OUTDIR variable.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface BatchCase {
  readonly id: string;
  readonly env: Record<string, string>;
}

export interface BatchResult {
  readonly id: string;
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The exception that escaped main.ts, with its stack, if any. */
  readonly escaped?: string;
  readonly ms: number;
}

const MAIN = require.resolve(join(__dirname, '..', '..', '..', 'main.ts'));
const [casesFile, resultsFile] = process.argv.slice(2) as [string, string];
const cases = JSON.parse(readFileSync(casesFile, 'utf8')) as BatchCase[];
const baseEnv = { ...process.env };
const results: BatchResult[] = [];

async function run(): Promise<void> {
  for (const c of cases) {
    for (const key of Object.keys(process.env)) {
      if (key.startsWith('COLOSSUS_') || key === 'CDKTF_OUTDIR') delete process.env[key];
    }
    Object.assign(process.env, c.env);
    let stdout = '';
    let stderr = '';
    const writeOut = process.stdout.write.bind(process.stdout);
    const writeErr = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((chunk: string | Uint8Array) => (
      (stdout += String(chunk)),
      true
    )) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string | Uint8Array) => (
      (stderr += String(chunk)),
      true
    )) as typeof process.stderr.write;
    process.exitCode = 0;
    const started = process.hrtime.bigint();
    let escaped: string | undefined;
    // main.ts reads its own options from argv; each case runs it with none.
    const argv = process.argv;
    process.argv = [argv[0] ?? 'node', MAIN];
    try {
      delete require.cache[MAIN];
      // A fresh load of main.ts per case is the point: import() would cache it. main.ts exports
      // the promise of its (asynchronous) synth, which settles once it has printed and set the code.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const app = require(MAIN) as { finished?: Promise<void> };
      await app.finished;
    } catch (error) {
      escaped = error instanceof Error ? (error.stack ?? error.message) : String(error);
    } finally {
      process.argv = argv;
      process.stdout.write = writeOut;
      process.stderr.write = writeErr;
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    results.push({ id: c.id, exitCode: escaped ? 1 : Number(process.exitCode ?? 0), stdout, stderr, escaped, ms });
  }
  process.env = baseEnv;
  process.exitCode = 0;
  writeFileSync(resultsFile, JSON.stringify(results));
}

void run();
