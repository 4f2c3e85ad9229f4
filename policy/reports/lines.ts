import { closeSync, openSync, writeSync } from 'node:fs';

/** Where a report goes, line by line: a file (LineWriter) or a string (LineCollector). */
export interface Lines {
  line(text?: string): void;
}

/**
 * Writes a report line by line to its file instead of building one string: the prod reports
 * hold about a hundred thousand rows. Buffers a little to keep the write calls few.
 */
export class LineWriter implements Lines {
  private readonly fd: number;
  private buffer: string[] = [];
  private size = 0;

  constructor(readonly file: string) {
    this.fd = openSync(file, 'w');
  }

  line(text = ''): void {
    this.buffer.push(text, '\n');
    this.size += text.length + 1;
    if (this.size > 1 << 16) this.flush();
  }

  private flush(): void {
    if (this.buffer.length) writeSync(this.fd, this.buffer.join(''));
    this.buffer = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Writes a file with a report writer, closing it even when the writer fails. */
export function writeLines(file: string, write: (out: Lines) => void): string {
  const out = new LineWriter(file);
  try {
    write(out);
  } finally {
    out.close();
  }
  return file;
}

/** The same report as one string, for callers that want it in memory (small reports, tests). */
export function collectLines(write: (out: Lines) => void): string {
  const parts: string[] = [];
  write({ line: (text = '') => parts.push(text, '\n') });
  return parts.join('');
}
