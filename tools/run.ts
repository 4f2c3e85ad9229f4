import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, createWriteStream, fstatSync, mkdirSync, openSync, readSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';
import { ColossusError } from '../config/errors';

/**
 * Runs child processes without holding their output in memory: a large stack's plan once
 * crashed the plan tool with "RangeError: Invalid string length". Each stream goes to a file
 * (or nowhere), and only a bounded tail stays in memory for error messages.
 */

/** How much of each stream's end is kept in memory: enough for the last lines of an error. */
export const TAIL_BYTES = 16 * 1024;

/** A line longer than this reaches a line callback cut short. */
export const MAX_LINE_CHARS = 16 * 1024;

/** The last `cap` bytes written to it, and never more than that. */
export class ByteTail {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Every byte pushed, kept or not. */
  total = 0;

  constructor(private readonly cap: number = TAIL_BYTES) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.cap <= 0) return;
    // A chunk larger than the tail replaces it; copied so the tail does not pin the chunk.
    const kept = chunk.length > this.cap ? Buffer.from(chunk.subarray(chunk.length - this.cap)) : chunk;
    this.chunks.push(kept);
    this.size += kept.length;
    while (this.size > this.cap) {
      const first = this.chunks[0]!;
      const excess = this.size - this.cap;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
      } else {
        this.chunks[0] = Buffer.from(first.subarray(excess));
        this.size -= excess;
      }
    }
  }

  get bytes(): number {
    return this.size;
  }

  /** The tail as text; a character cut by the cap at its start is dropped. */
  text(): string {
    return Buffer.concat(this.chunks)
      .toString('utf8')
      .replace(/^\uFFFD+/, '');
  }
}

/** Splits a stream into lines for a callback, holding at most one (capped) line. */
class LineSplitter {
  private decoder = new StringDecoder('utf8');
  private partial = '';
  private cut = false;

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    const parts = this.decoder.write(chunk).split('\n');
    const last = parts.pop() ?? '';
    for (const part of parts) {
      this.emit(part);
      this.partial = '';
      this.cut = false;
    }
    this.append(last);
  }

  end(): void {
    this.append(this.decoder.end());
    if (this.partial || this.cut) this.emit('');
  }

  private append(text: string): void {
    if (this.cut) return;
    this.partial += text;
    if (this.partial.length > MAX_LINE_CHARS) {
      this.partial = this.partial.slice(0, MAX_LINE_CHARS);
      this.cut = true;
    }
  }

  private emit(rest: string): void {
    const line = this.cut ? this.partial : `${this.partial}${rest}`.slice(0, MAX_LINE_CHARS);
    this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }
}

export interface RunOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** The file stdout is streamed into (its folder is created); without it, only the tail is kept. */
  readonly stdout?: string;
  /** The file stderr is streamed into; without it, only the tail is kept. */
  readonly stderr?: string;
  /** Called with each line either stream writes, as it comes. */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Called once the child is started, e.g. to signal it later. */
  readonly onSpawn?: (child: ChildProcess) => void;
  /** Bytes kept of each stream's end (default TAIL_BYTES). */
  readonly tailBytes?: number;
}

export interface RunResult {
  /** The exit code; 127 when the command could not be started, 128+n when killed by signal n. */
  readonly code: number;
  /** The last bytes of stdout (at most tailBytes). */
  readonly stdoutTail: string;
  /** The last bytes of stderr (at most tailBytes), then the start error, if any. */
  readonly stderrTail: string;
  /** How many bytes the child wrote to stdout and to stderr. */
  readonly stdoutBytes: number;
  readonly stderrBytes: number;
  /** Why the command could not be started (e.g. "ENOENT"), if it could not. */
  readonly spawnError?: string;
  readonly stdoutFile?: string;
  readonly stderrFile?: string;
}

/** The stdout and stderr files of one step under a log folder: <dir>/<step>.stdout|stderr. */
export function logFiles(dir: string, step: string): { stdout: string; stderr: string } {
  return { stdout: join(dir, `${step}.stdout`), stderr: join(dir, `${step}.stderr`) };
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

function unwritable(command: string, where: string, error: unknown): ColossusError {
  const message = error instanceof Error ? error.message : String(error);
  return new ColossusError(`output of ${basename(command)} could not be written`, [`${where}: ${message}`]);
}

function sink(command: string, file: string | undefined): Writable {
  if (file === undefined) return new Writable({ write: (_chunk, _encoding, done) => done() });
  try {
    mkdirSync(dirname(file), { recursive: true });
  } catch (error) {
    throw unwritable(command, file, error);
  }
  return createWriteStream(file);
}

function tap(tail: ByteTail, lines: LineSplitter | undefined): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      tail.push(chunk);
      lines?.push(chunk);
      done(null, chunk);
    },
    flush(done) {
      lines?.end();
      done();
    },
  });
}

/** Runs a command to completion, streaming its output to files and keeping only tails. */
export async function run(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const cap = options.tailBytes ?? TAIL_BYTES;
  const tails = { stdout: new ByteTail(cap), stderr: new ByteTail(cap) };
  const onLine = options.onLine;
  const splitter = (stream: 'stdout' | 'stderr') =>
    onLine ? new LineSplitter((line) => onLine(line, stream)) : undefined;
  // Made first: a log that cannot be written stops the run before the child starts.
  const sinks = { stdout: sink(command, options.stdout), stderr: sink(command, options.stderr) };
  const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let spawnError: NodeJS.ErrnoException | undefined;
  const closed = new Promise<number>((resolveClose) => {
    child.on('error', (error) => (spawnError ??= error));
    child.once('close', (code, signal) => resolveClose(code ?? (signal ? 128 + (SIGNALS[signal] ?? 0) : 1)));
  });
  options.onSpawn?.(child);
  const streamed = (from: Readable, name: 'stdout' | 'stderr', file: string | undefined) =>
    pipeline(from, tap(tails[name], splitter(name)), sinks[name]).catch((error: unknown) => {
      // A child that never started (no pid) closes its pipes early; that is reported as spawnError.
      if (spawnError || child.pid === undefined) return;
      // Its output has nowhere to go: the child is stopped rather than left running unseen.
      child.kill('SIGTERM');
      throw unwritable(command, file ?? name, error);
    });
  const [code] = await Promise.all([
    closed,
    streamed(child.stdout, 'stdout', options.stdout),
    streamed(child.stderr, 'stderr', options.stderr),
  ]);
  const stdoutTail = tails.stdout.text();
  const failure = spawnError as NodeJS.ErrnoException | undefined;
  const stderrTail = failure ? `${tails.stderr.text()}${failure.message}` : tails.stderr.text();
  return {
    code: failure ? 127 : code,
    stdoutTail,
    stderrTail,
    stdoutBytes: tails.stdout.total,
    stderrBytes: tails.stderr.total,
    ...(failure ? { spawnError: failure.code ?? failure.message } : {}),
    ...(options.stdout ? { stdoutFile: options.stdout } : {}),
    ...(options.stderr ? { stderrFile: options.stderr } : {}),
  };
}

/** The last lines of a file a child wrote (at most `bytes` of its end are read). */
export function fileTail(file: string, count = 15, bytes = TAIL_BYTES): string {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    const buffer = Buffer.alloc(Math.min(size, bytes));
    readSync(fd, buffer, 0, buffer.length, size - buffer.length);
    return buffer
      .toString('utf8')
      .replace(/^\uFFFD+/, '')
      .trim()
      .split('\n')
      .slice(-count)
      .join('\n');
  } finally {
    closeSync(fd);
  }
}

/** The last `count` non-empty lines of a run's stderr tail, else of its stdout tail. */
export function lastLines(result: Pick<RunResult, 'stdoutTail' | 'stderrTail'>, count = 15): string {
  const text = result.stderrTail.trim() || result.stdoutTail.trim();
  return text.split('\n').slice(-count).join('\n');
}

/**
 * The plan summary ("Plan: 3 to add, …" or "No changes. …") in one line of Terraform's output,
 * so that it is found while the output streams to its log.
 */
export function planSummary(line: string): string | undefined {
  return /Plan: .*|No changes\..*/.exec(line)?.[0];
}

function tooMuch(command: string, args: readonly string[], maxBytes: number): ColossusError {
  return new ColossusError(`output of ${[basename(command), ...args].join(' ')} is too large`, [
    `it printed more than ${maxBytes} bytes on a stream, the most this tool reads from it; run it by hand to see why`,
  ]);
}

export interface CaptureResult {
  readonly code: number;
  /** All of stdout: at most maxBytes, or the capture refuses. */
  readonly stdout: string;
  readonly stderrTail: string;
  readonly spawnError?: string;
}

/**
 * Runs a command whose stdout is a small value (a version, a hash, a short JSON), keeping all
 * of it; a command that prints more than maxBytes is stopped and refused with a clear error.
 */
export async function capture(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; maxBytes: number },
): Promise<CaptureResult> {
  const result = await run(command, args, { cwd: options.cwd, env: options.env, tailBytes: options.maxBytes });
  if (result.stdoutBytes > options.maxBytes) throw tooMuch(command, args, options.maxBytes);
  return {
    code: result.code,
    stdout: result.stdoutTail,
    stderrTail: result.stderrTail.slice(-TAIL_BYTES),
    ...(result.spawnError ? { spawnError: result.spawnError } : {}),
  };
}

/** capture() for synchronous callers: the child is stopped once stdout passes maxBytes. */
export function captureSync(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; maxBytes: number },
): CaptureResult {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: options.maxBytes,
  });
  const failure = result.error as NodeJS.ErrnoException | undefined;
  if (failure?.code === 'ENOBUFS') throw tooMuch(command, args, options.maxBytes);
  const stderr = (result.stderr ?? Buffer.alloc(0)).toString('utf8');
  return {
    code: failure ? 127 : (result.status ?? 1),
    stdout: (result.stdout ?? Buffer.alloc(0)).toString('utf8'),
    stderrTail: `${stderr.slice(-TAIL_BYTES)}${failure ? failure.message : ''}`,
    ...(failure ? { spawnError: failure.code ?? failure.message } : {}),
  };
}
