/**
 * A problem with what the user asked for, as opposed to a bug: the entry point prints
 * its lines and exits non-zero, with no stack trace.
 */
export class ColossusError extends Error {
  constructor(
    readonly title: string,
    readonly problems: readonly string[],
  ) {
    super(`${title}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = new.target.name;
  }
}
