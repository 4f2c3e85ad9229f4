import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { loadConfig } from '../../config/load';
import { buildStacks } from '../../stacks/build';
import { stackReports } from '../../policy/gate';
import type { StackReport } from '../../policy/model';
import { REPORT_DIR } from '../../policy/reports/write';
import { inlineReportWriter, threadReportWriter, type ReportWriter } from '../../policy/reports/writer';

/** Every file under a folder, by relative name, with its text. */
function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const path = join(dir, name);
    try {
      out.set(name, readFileSync(path, 'utf8'));
    } catch {
      // a folder
    }
  }
  return out;
}

describe('report writers', () => {
  const root = mkdtempSync(join(tmpdir(), 'colossus-writer-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const app = Testing.app();
  const stacks = buildStacks(app, loadConfig({ environment: 'dev' }));
  stacks.forEach((s) => Testing.synth(s));
  const reports: StackReport[] = stackReports(stacks);
  const order = stacks.map((s) => s.node.id);

  async function write(
    make: (o: { outdir: string; environment: string }) => ReportWriter,
    name: string,
    list: readonly StackReport[],
    own = (_: string) => true,
  ) {
    const outdir = join(root, name);
    const writer = make({ outdir, environment: 'dev' });
    for (const r of list) writer.add(r, own(r.stack));
    await writer.finish(order);
    return files(join(outdir, REPORT_DIR));
  }

  it('writes in a worker thread exactly what it writes inline, whatever order the reports come in', async () => {
    const inline = await write(inlineReportWriter, 'inline', reports);
    const thread = await write(threadReportWriter, 'thread', [...reports].reverse());
    // <stack>.json and .md for each stack, then dev.sarif, controls.md, controls.json and index.md.
    expect(inline.size).toBe(reports.length * 2 + 4);
    expect(inline.has('dev.sarif') && inline.has('controls.json') && inline.has('index.md')).toBe(true);
    expect([...thread.keys()]).toEqual([...inline.keys()]);
    for (const [name, text] of inline) expect({ name, same: thread.get(name) === text }).toEqual({ name, same: true });
  });

  it("writes no files for a stack another process owns, yet counts it in the environment's reports", async () => {
    const other = reports[0]!.stack;
    const written = await write(threadReportWriter, 'owned', reports, (stack) => stack !== other);
    expect(written.has(`${other}.json`)).toBe(false);
    expect(written.get('index.md')).toContain(other);
  });

  it('fails clearly when it cannot write, in the thread as inline', async () => {
    const blocked = join(root, 'blocked');
    writeFileSync(blocked, 'a file where the output folder should be');
    const writer = threadReportWriter({ outdir: blocked, environment: 'dev' });
    writer.add(reports[0]!, true);
    await expect(writer.finish(order)).rejects.toThrow(/^writing the compliance reports failed: .*(EEXIST|ENOTDIR)/);
  });
});
