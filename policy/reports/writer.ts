import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import type { Rule, StackReport } from '../model';
import { PACK_VERSION, RULES } from '../rules';
import { writeEnvironmentReports, writeStackReports } from './write';

/**
 * Takes each stack's compliance report as synth produces it and writes the report files: each
 * stack's own at once, and the environment's (SARIF, controls, index) over all of them at the end.
 */
export interface ReportWriter {
  /** A stack's report; `own` when this process writes the stack's files (a split synth's workers write theirs). */
  add(report: StackReport, own: boolean): void;
  /** Whether a report for this stack was added. */
  has(stack: string): boolean;
  /** Writes the environment's reports over every report added, in `order` (stack names); resolves once all is on disk. */
  finish(order: readonly string[]): Promise<void>;
  /** Stops writing at once: the synth failed or was interrupted. */
  stop(): void;
}

export interface ReportWriterOptions {
  readonly outdir: string;
  readonly environment: string;
}

/** The writing itself, the same in this thread or in a worker thread. */
export class ReportSink {
  private readonly reports: StackReport[] = [];

  constructor(
    private readonly options: ReportWriterOptions,
    private readonly rules: readonly Rule[] = RULES,
  ) {}

  add(report: StackReport, own: boolean): void {
    this.reports.push(report);
    if (own) writeStackReports(this.options.outdir, [report], this.rules);
  }

  finish(order: readonly string[]): void {
    const rank = new Map(order.map((name, i) => [name, i]));
    // In the sharding plan's order, as one process writing them in turn would have.
    const sorted = [...this.reports].sort((a, b) => (rank.get(a.stack) ?? 0) - (rank.get(b.stack) ?? 0));
    writeEnvironmentReports(this.options.outdir, this.options.environment, sorted, this.rules, PACK_VERSION);
  }
}

/** Writes in the calling thread, as each call comes (tests, and synth run inside another program). */
export function inlineReportWriter(options: ReportWriterOptions): ReportWriter {
  const sink = new ReportSink(options);
  const seen = new Set<string>();
  return {
    add: (report, own) => {
      seen.add(report.stack);
      sink.add(report, own);
    },
    has: (stack) => seen.has(stack),
    finish: (order) => {
      sink.finish(order);
      return Promise.resolve();
    },
    stop: () => undefined,
  };
}

/** What the worker thread is sent. */
export type WriterMessage =
  | { readonly kind: 'add'; readonly report: StackReport; readonly own: boolean }
  | { readonly kind: 'finish'; readonly order: readonly string[] };

/** What it answers, once, after `finish` or a failure. */
export type WriterReply = { readonly kind: 'done' } | { readonly kind: 'failed'; readonly message: string };

/**
 * Writes in a worker thread, so the report files (about 110 MB for prod) are written while this
 * thread goes on synthesizing and proving isolation. Reports cross as structured clones.
 * The worker loads TypeScript through tsx, as the app itself does.
 */
export function threadReportWriter(options: ReportWriterOptions): ReportWriter {
  const entry = join(__dirname, 'writer-thread.ts');
  const worker = new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, {
    eval: true,
    workerData: options,
    // Its work is many short-lived strings; a small young generation keeps its share of the
    // synth's memory small (prod peak RSS 512 to 483 MiB, measured). The old generation is
    // left unbounded, so a larger environment never runs the writer out of memory.
    resourceLimits: { maxYoungGenerationSizeMb: 8 },
  });
  const seen = new Set<string>();
  const settled = new Promise<void>((resolve, reject) => {
    worker.once('message', (reply: WriterReply) =>
      reply.kind === 'done' ? resolve() : reject(new Error(`writing the compliance reports failed: ${reply.message}`)),
    );
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the compliance report writer stopped early (exit ${code})`)));
  });
  settled.catch(() => undefined); // awaited by finish(); this only keeps an early failure from being unhandled
  const send = (message: WriterMessage) => worker.postMessage(message);
  return {
    add: (report, own) => {
      seen.add(report.stack);
      send({ kind: 'add', report, own });
    },
    has: (stack) => seen.has(stack),
    finish: async (order) => {
      send({ kind: 'finish', order });
      try {
        await settled;
      } finally {
        await worker.terminate();
      }
    },
    stop: () => void worker.terminate(),
  };
}
