import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The provider every stack uses, pinned by @cdktf/provider-aws 20.1.0. The short source
 * address means the public registry to Terraform; a mirror keeps it under that host's folder.
 */
export const AWS_PROVIDER = { source: 'hashicorp/aws', version: '5.100.0' } as const;

export const PROJECT_ROOT = resolve(__dirname, '..');
const CACHE_DIR = join(PROJECT_ROOT, '.cache', 'terraform');

function platform(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  return `${process.platform}_${arch}`;
}

function holdsPinnedProvider(dir: string): boolean {
  if (!existsSync(dir)) return false;
  // A mirror holds <host>/<namespace>/<type>/<version>/<os>_<arch>.
  return readdirSync(dir, { withFileTypes: true }).some(
    (host) =>
      host.isDirectory() && existsSync(join(dir, host.name, AWS_PROVIDER.source, AWS_PROVIDER.version, platform())),
  );
}

/**
 * Where a filesystem mirror of the AWS provider may sit: Terraform's own implied mirror
 * folders first, then one level under /opt, where machine images tend to put them.
 */
function candidateMirrors(): string[] {
  const dataHome = process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share');
  const dataDirs = (process.env.XDG_DATA_DIRS ?? '/usr/local/share:/usr/share').split(':').filter(Boolean);
  const implied = [
    join(homedir(), '.terraform.d', 'plugins'),
    join(dataHome, 'terraform', 'plugins'),
    ...dataDirs.map((d) => join(d, 'terraform', 'plugins')),
  ];
  const opt = existsSync('/opt')
    ? readdirSync('/opt', { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => join('/opt', e.name))
    : [];
  return [...implied, ...opt];
}

export type ProviderSource = { kind: 'mirror'; path: string } | { kind: 'registry'; reason: string };

/**
 * COLOSSUS_TF_MIRROR=<dir> names the mirror; COLOSSUS_TF_MIRROR=registry forces the public
 * registry; unset, a mirror holding the pinned provider is looked for, else the registry.
 */
export function providerSource(env: NodeJS.ProcessEnv = process.env): ProviderSource {
  const setting = env.COLOSSUS_TF_MIRROR?.trim();
  if (setting === 'registry') return { kind: 'registry', reason: 'COLOSSUS_TF_MIRROR=registry' };
  if (setting) {
    const path = resolve(setting);
    if (!holdsPinnedProvider(path)) {
      throw new Error(
        `COLOSSUS_TF_MIRROR=${setting} does not hold ${AWS_PROVIDER.source} ${AWS_PROVIDER.version} for ${platform()}`,
      );
    }
    return { kind: 'mirror', path };
  }
  const found = candidateMirrors().find(holdsPinnedProvider);
  return found ? { kind: 'mirror', path: found } : { kind: 'registry', reason: 'no local mirror found' };
}

export function cliConfigText(source: ProviderSource, pluginCacheDir: string): string {
  const lines = [`plugin_cache_dir = ${JSON.stringify(pluginCacheDir)}`, 'disable_checkpoint = true'];
  if (source.kind === 'mirror') {
    lines.push(
      'provider_installation {',
      '  filesystem_mirror {',
      `    path    = ${JSON.stringify(source.path)}`,
      `    include = [${JSON.stringify(AWS_PROVIDER.source)}]`,
      '  }',
      '  direct {',
      `    exclude = [${JSON.stringify(AWS_PROVIDER.source)}]`,
      '  }',
      '}',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the project's Terraform CLI config and returns the environment every run uses. */
export function terraformEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const source = providerSource(base);
  const pluginCache = join(CACHE_DIR, 'plugin-cache');
  mkdirSync(pluginCache, { recursive: true });
  const file = join(CACHE_DIR, 'terraformrc');
  writeFileSync(file, cliConfigText(source, pluginCache));
  return {
    ...base,
    TF_CLI_CONFIG_FILE: file,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
  };
}

export function terraformBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.COLOSSUS_TERRAFORM ?? 'terraform';
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to completion, capturing its output. */
export function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => resolvePromise({ code: 127, stdout, stderr: `${stderr}${error.message}` }));
    child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
  });
}

/** Runs tasks with at most `limit` in flight; the machine has two cores. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  });
  await Promise.all(workers);
  return results;
}

/**
 * Runs the first task alone, then the rest `limit` at a time: Terraform's plugin cache is
 * not safe for two inits filling it at once, and the first init fills it.
 */
export async function mapWarmFirst<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const [first, ...rest] = items;
  if (first === undefined) return [];
  return [await task(first), ...(await mapLimit(rest, limit, task))];
}
