import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Where a construct or resource was made in the TypeScript source: file (from the repository root) and line. */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
}

/** Folders whose classes build resources. */
const SOURCE_FOLDERS = ['constructs', 'stacks'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/**
 * The map of construct classes to the files that declare them, read from the source tree, so
 * SARIF results point at the code that made a resource rather than at git-ignored output.
 */
export class SourceIndex {
  private readonly classes = new Map<string, { file: string; line: number; lines: string[] }>();

  constructor(root: string) {
    for (const folder of SOURCE_FOLDERS)
      for (const file of tsFiles(join(root, folder))) {
        const lines = readFileSync(file, 'utf8').split('\n');
        lines.forEach((text, i) => {
          const match = /^export class (\w+)/.exec(text);
          if (match)
            this.classes.set(match[1], { file: relative(root, file).split('\\').join('/'), line: i + 1, lines });
        });
      }
  }

  /**
   * The location of a construct path: the line where its nearest ancestor of a known class
   * creates the next construct on the path (`(this, '<id>'`), or that class's declaration.
   */
  locate(path: string, classes: ReadonlyMap<string, string> | undefined): SourceLocation | undefined {
    const segments = path.split('/');
    for (let i = segments.length - 1; i >= 1; i--) {
      const owner = classes?.get(segments.slice(0, i).join('/'));
      const source = owner ? this.classes.get(owner) : undefined;
      if (!source) continue;
      const id = segments[i];
      const at = source.lines.findIndex((l) => l.includes(`(this, '${id}'`) || l.includes(`(this, "${id}"`));
      return { file: source.file, line: at >= 0 ? at + 1 : source.line };
    }
    const stack = classes?.get(segments[0]);
    const source = stack ? this.classes.get(stack) : undefined;
    return source ? { file: source.file, line: source.line } : undefined;
  }
}
