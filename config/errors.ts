/**
 * A problem with what the user asked for, as opposed to a bug: the entry point prints
 * its lines and exits non-zero, with no stack trace.
 */
export class ColossusError extends Error {
  constructor(
    readonly title: string,
    readonly problems: readonly string[],
    /** What the reader can do or look at next, printed after the problems. */
    readonly footer?: string,
  ) {
    super(`${title}:\n${problems.map((p) => `  - ${p}`).join('\n')}${footer ? `\n${footer}` : ''}`);
    this.name = new.target.name;
  }
}
