import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ColossusError } from '../../config/errors';
import {
  ByteTail,
  capture,
  captureSync,
  fileTail,
  lastLines,
  logFiles,
  MAX_LINE_CHARS,
  planSummary,
  run,
  TAIL_BYTES,
} from '../../tools/run';

const node = process.execPath;
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'run-test-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The 50 MiB the big child writes: 1,000 chunks of 50 KiB, each starting with its number. */
const CHUNK = 50 * 1024;
const CHUNKS = 1000;
const BIG_CHILD = `
const size = ${CHUNK};
let i = 0;
function more() {
  while (i < ${CHUNKS}) {
    const chunk = Buffer.alloc(size, String.fromCharCode(97 + (i % 26)));
    chunk.write(String(i) + ':');
    i += 1;
    if (!process.stdout.write(chunk)) return process.stdout.once('drain', more);
  }
}
more();
`;

function expectedBigHash(): string {
  const hash = createHash('sha256');
  for (let i = 0; i < CHUNKS; i++) {
    const chunk = Buffer.alloc(CHUNK, String.fromCharCode(97 + (i % 26)));
    chunk.write(`${i}:`);
    hash.update(chunk);
  }
  return hash.digest('hex');
}

async function fileHash(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describe('run: child output streamed to files', () => {
  it('streams 50 MiB of stdout to its file, every byte, keeping only a bounded tail', async () => {
    const files = logFiles(join(dir, 'logs', 'stack'), 'plan');
    const result = await run(node, ['-e', BIG_CHILD], { cwd: dir, env: process.env, ...files });
    expect(result.code).toBe(0);
    expect(result.stdoutBytes).toBe(CHUNK * CHUNKS);
    expect(statSync(files.stdout).size).toBe(CHUNK * CHUNKS);
    expect(await fileHash(files.stdout)).toBe(expectedBigHash());
    // The tail is the file's last TAIL_BYTES, and no more.
    expect(Buffer.byteLength(result.stdoutTail)).toBe(TAIL_BYTES);
    expect(result.stdoutTail).toBe(readFileSync(files.stdout).subarray(-TAIL_BYTES).toString());
    expect(result.stdoutFile).toBe(files.stdout);
    expect(readFileSync(files.stderr, 'utf8')).toBe('');
  });

  it('keeps only the tail when no file is named', async () => {
    const result = await run(node, ['-e', BIG_CHILD], { cwd: dir, env: process.env, tailBytes: 1000 });
    expect(result.code).toBe(0);
    expect(result.stdoutBytes).toBe(CHUNK * CHUNKS);
    expect(Buffer.byteLength(result.stdoutTail)).toBe(1000);
    expect(result.stdoutTail).toBe(String.fromCharCode(97 + ((CHUNKS - 1) % 26)).repeat(1000));
    expect(result.stdoutFile).toBeUndefined();
  });

  it("shows a failing child's last lines, from the tail", async () => {
    const script = `for (let i = 1; i <= 5000; i++) console.error('line ' + i); process.exitCode = 3`;
    const files = logFiles(join(dir, 'logs'), 'init');
    const result = await run(node, ['-e', script], { cwd: dir, env: process.env, ...files });
    expect(result.code).toBe(3);
    const shown = lastLines(result, 15).split('\n');
    expect(shown).toHaveLength(15);
    expect(shown[0]).toBe('line 4986');
    expect(shown.at(-1)).toBe('line 5000');
    expect(Buffer.byteLength(result.stderrTail)).toBeLessThanOrEqual(TAIL_BYTES);
    // The whole output is in the log file.
    expect(readFileSync(files.stderr, 'utf8').split('\n')).toHaveLength(5001);
  });

  it('says a command that cannot start could not start', async () => {
    const result = await run(join(dir, 'no-such-command'), [], { cwd: dir, env: process.env });
    expect(result.code).toBe(127);
    expect(result.spawnError).toBe('ENOENT');
    expect(result.stderrTail).toContain('ENOENT');
  });

  it('refuses a log it cannot write, with a clear error', async () => {
    writeFileSync(join(dir, 'a-file'), '');
    const underFile = run(node, ['-e', 'console.log(1)'], {
      cwd: dir,
      env: process.env,
      stdout: join(dir, 'a-file', 'x.stdout'),
    });
    await expect(underFile).rejects.toThrow(ColossusError);
    await expect(underFile).rejects.toThrow(/output of node could not be written:\n {2}- .*a-file/);
    const intoFolder = run(node, ['-e', BIG_CHILD], { cwd: dir, env: process.env, stdout: dir });
    await expect(intoFolder).rejects.toThrow(/output of node could not be written:\n {2}- .*EISDIR/);
  });

  it('reports a child killed by a signal as failed', async () => {
    const result = await run(node, ['-e', 'process.kill(process.pid, "SIGTERM")'], { cwd: dir, env: process.env });
    expect(result.code).toBe(128 + 15);
  });
});

describe('the plan summary, found by scanning the streamed output', () => {
  it('finds the summary line among many lines and a line far longer than the cap', async () => {
    const script = `
      const out = process.stdout;
      for (let i = 0; i < 20000; i++) out.write('  # aws_instance.su_' + i + ' will be created\\n');
      out.write('x'.repeat(${MAX_LINE_CHARS * 4}));
      out.write('\\nPlan: ');
      setImmediate(() => out.write('20000 to add, 0 to change, 0 to destroy.\\nSaved the plan to: plan.bin\\n'));
    `;
    let summary: string | undefined;
    let longest = 0;
    const files = logFiles(dir, 'plan');
    const result = await run(node, ['-e', script], {
      cwd: dir,
      env: process.env,
      ...files,
      onLine: (line, stream) => {
        longest = Math.max(longest, line.length);
        if (stream === 'stdout') summary ??= planSummary(line);
      },
    });
    expect(result.code).toBe(0);
    expect(summary).toBe('Plan: 20000 to add, 0 to change, 0 to destroy.');
    expect(longest).toBe(MAX_LINE_CHARS);
    // The long line is cut only on its way to the callback, not in the log.
    expect(readFileSync(files.stdout, 'utf8')).toContain('x'.repeat(MAX_LINE_CHARS * 4));
  });

  it.each([
    ['Plan: 3 to add, 1 to change, 0 to destroy.', 'Plan: 3 to add, 1 to change, 0 to destroy.'],
    [
      'No changes. Your infrastructure matches the configuration.',
      'No changes. Your infrastructure matches the configuration.',
    ],
    ['  # aws_vpc.main will be created', undefined],
  ])('planSummary(%j)', (line, expected) => {
    expect(planSummary(line)).toBe(expected);
  });
});

describe('ByteTail', () => {
  it('holds the last bytes pushed, never more than its cap', () => {
    const tail = new ByteTail(100);
    let all = '';
    for (let i = 0; i < 500; i++) {
      const text = `${i},`.repeat(i % 7);
      tail.push(Buffer.from(text));
      all += text;
      expect(tail.bytes).toBeLessThanOrEqual(100);
    }
    expect(tail.text()).toBe(all.slice(-100));
    expect(tail.total).toBe(all.length);
  });

  it('takes a chunk larger than the cap', () => {
    const tail = new ByteTail(10);
    tail.push(Buffer.from('abc'));
    tail.push(Buffer.from('0123456789abcdefghij'));
    expect(tail.text()).toBe('abcdefghij');
  });
});

describe('bounded capture of a small value', () => {
  it('returns the whole output under the cap', async () => {
    const result = await capture(node, ['-e', 'console.log(JSON.stringify({ v: "1.11.0" }))'], {
      cwd: dir,
      env: process.env,
      maxBytes: 1024,
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ v: '1.11.0' });
  });

  it('refuses output over the cap with a clear error', async () => {
    const attempt = capture(node, ['-e', 'process.stdout.write("y".repeat(5000))'], {
      cwd: dir,
      env: process.env,
      maxBytes: 1024,
    });
    await expect(attempt).rejects.toThrow(ColossusError);
    await expect(attempt).rejects.toThrow(/is too large:\n {2}- it printed more than 1024 bytes/);
  });

  it('refuses synchronously too', () => {
    expect(() => captureSync(node, ['-e', 'process.stdout.write("y".repeat(5000))'], { maxBytes: 1024 })).toThrow(
      /is too large:\n {2}- it printed more than 1024 bytes/,
    );
    const ok = captureSync(node, ['-e', 'process.stdout.write("abc")'], { maxBytes: 1024 });
    expect(ok).toMatchObject({ code: 0, stdout: 'abc' });
    expect(captureSync(join(dir, 'missing'), [], { maxBytes: 10 }).spawnError).toBe('ENOENT');
  });
});

describe('fileTail', () => {
  it('reads only the end of a log file', () => {
    const file = join(dir, 'synth.log');
    writeFileSync(file, Array.from({ length: 10000 }, (_, i) => `line ${i + 1}`).join('\n'));
    expect(fileTail(file, 3)).toBe('line 9998\nline 9999\nline 10000');
    expect(fileTail(file, 1000, 64).split('\n').length).toBeLessThan(10);
  });
});
