import { closeSync, openSync, writeSync } from 'node:fs';

/**
 * Writes a report line by line to its file instead of building one string: the prod reports
 * hold about a hundred thousand rows. Buffers a little to keep the write calls few.
 */
export class LineWriter {
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
