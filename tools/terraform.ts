import { existsSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ColossusError } from '../config/errors';
import { capture } from './run';

export { run, type RunResult } from './run';

/**
 * The provider every stack uses, pinned by @cdktf/provider-aws 20.1.0. The short source
 * address means the public registry to Terraform; a mirror keeps it under that host's folder.
 */
export const AWS_PROVIDER = { source: 'hashicorp/aws', version: '5.100.0' } as const;

export const PROJECT_ROOT = resolve(__dirname, '..');
const CACHE_DIR = join(PROJECT_ROOT, '.cache', 'terraform');

export function providerPlatform(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  return `${process.platform}_${arch}`;
}

export type MirrorLayout = 'unpacked' | 'packed';

/**
 * How a folder mirrors the pinned provider, if it does. Both of Terraform's layouts count:
 * unpacked <host>/hashicorp/aws/<version>/<os>_<arch>/ (what plugin folders hold) and packed
 * <host>/hashicorp/aws/terraform-provider-aws_<version>_<os>_<arch>.zip (what
 * `terraform providers mirror` writes).
 */
export function mirrorLayout(dir: string): MirrorLayout | undefined {
  if (!existsSync(dir)) return undefined;
  const hosts = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory());
  const type = AWS_PROVIDER.source.split('/')[1] ?? '';
  const zip = `terraform-provider-${type}_${AWS_PROVIDER.version}_${providerPlatform()}.zip`;
  for (const host of hosts) {
    const base = join(dir, host.name, AWS_PROVIDER.source);
    if (existsSync(join(base, AWS_PROVIDER.version, providerPlatform()))) return 'unpacked';
    if (existsSync(join(base, zip))) return 'packed';
  }
  return undefined;
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

function setupError(problem: string): ColossusError {
  return new ColossusError('Terraform setup', [problem]);
}

export type ProviderSource =
  { kind: 'mirror'; path: string; layout: MirrorLayout } | { kind: 'registry'; reason: string };

/**
 * COLOSSUS_TF_MIRROR=<dir> names the mirror; COLOSSUS_TF_MIRROR=registry forces the public
 * registry; unset, a mirror holding the pinned provider is looked for, else the registry.
 */
export function providerSource(env: NodeJS.ProcessEnv = process.env): ProviderSource {
  const setting = env.COLOSSUS_TF_MIRROR?.trim();
  if (setting === 'registry') return { kind: 'registry', reason: 'COLOSSUS_TF_MIRROR=registry' };
  if (setting) {
    const path = resolve(setting);
    const layout = mirrorLayout(path);
    if (!layout) {
      throw setupError(
        `COLOSSUS_TF_MIRROR=${setting} does not hold ${AWS_PROVIDER.source} ${AWS_PROVIDER.version} for ${providerPlatform()}`,
      );
    }
    return { kind: 'mirror', path, layout };
  }
  for (const path of candidateMirrors()) {
    const layout = mirrorLayout(path);
    if (layout) return { kind: 'mirror', path, layout };
  }
  return { kind: 'registry', reason: 'no local mirror found' };
}

/**
 * The CLI config every run uses. From an unpacked mirror, Terraform links each stack's provider
 * straight to the mirror's folder, so nothing shared is written and parallel inits cannot race.
 * Otherwise a plugin cache saves unpacking or downloading 700 MB per stack; it may fill the lock
 * file from the cache, because otherwise every init with no lock file re-installs into the shared
 * cache and parallel inits race on it ("still not detected in plugin-cache").
 */
export function cliConfigText(source: ProviderSource, pluginCacheDir: string): string {
  const lines = ['disable_checkpoint = true'];
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
  if (source.kind === 'registry' || source.layout === 'packed') {
    lines.push(
      `plugin_cache_dir = ${JSON.stringify(pluginCacheDir)}`,
      'plugin_cache_may_break_dependency_lock_file = true',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the project's Terraform CLI config and returns the environment every run uses. */
export function terraformEnv(base: NodeJS.ProcessEnv = process.env, cacheDir = CACHE_DIR): NodeJS.ProcessEnv {
  const source = providerSource(base);
  const pluginCache = join(cacheDir, 'plugin-cache');
  mkdirSync(pluginCache, { recursive: true });
  const file = join(cacheDir, 'terraformrc');
  // Written aside and renamed, so a Terraform started by a parallel tool never reads half a file.
  const staging = `${file}.${process.pid}`;
  writeFileSync(staging, cliConfigText(source, pluginCache));
  renameSync(staging, file);
  return {
    ...base,
    TF_CLI_CONFIG_FILE: file,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    GOGC: base.GOGC ?? TERRAFORM_GOGC,
  };
}

/**
 * The Go garbage collector's target for Terraform and the provider it starts (which inherits
 * Terraform's environment): a heap may grow to 5 times what is live before a collection,
 * instead of twice (Go's default, GOGC=100; "A Guide to the Go Garbage Collector",
 * go.dev/doc/gc-guide). Both are short-lived batch processes that build large schemas and
 * plans, so fewer collections are less CPU. Measured on the costliest prod stack (2 cores,
 * loaded): `terraform plan` 17.5 s of CPU at 100 against 14.2 to 14.6 s at 400, `show -json`
 * 6.9 s against about 5.4 s; peak RSS 0.63 GB against 0.8 GB. A GOGC already set wins.
 */
export const TERRAFORM_GOGC = '400';

export function terraformBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.COLOSSUS_TERRAFORM ?? 'terraform';
}

/** S3 native state locking (`use_lockfile`) came in Terraform 1.10; CI runs 1.11. */
export const MIN_TERRAFORM = { major: 1, minor: 10 } as const;

/** Reads `terraform version -json` output; throws a message naming what is wrong. */
export function checkTerraformVersion(versionJson: string, binary: string): string {
  let version: unknown;
  try {
    version = (JSON.parse(versionJson) as { terraform_version?: unknown }).terraform_version;
  } catch {
    version = undefined;
  }
  const match = typeof version === 'string' ? /^(\d+)\.(\d+)\.\d+/.exec(version) : null;
  if (!match) throw setupError(`"${binary} version -json" did not print a Terraform version; is ${binary} Terraform?`);
  const [major, minor] = [Number(match[1]), Number(match[2])];
  if (major < MIN_TERRAFORM.major || (major === MIN_TERRAFORM.major && minor < MIN_TERRAFORM.minor)) {
    throw setupError(
      `Terraform ${String(version)} is too old: the S3 backend's native locking (use_lockfile) needs ${MIN_TERRAFORM.major}.${MIN_TERRAFORM.minor} or later, and CI runs 1.11`,
    );
  }
  return String(version);
}

/** The Terraform the tools will run, checked before any stack is touched. */
export async function terraformVersion(env: NodeJS.ProcessEnv): Promise<string> {
  const binary = terraformBinary(env);
  // A version report is a few hundred bytes; anything far larger is not Terraform.
  const result = await capture(binary, ['version', '-json'], { cwd: PROJECT_ROOT, env, maxBytes: 64 * 1024 });
  if (result.spawnError === 'ENOENT') {
    throw setupError(
      `Terraform not found: there is no "${binary}" to run; install Terraform 1.11 on the PATH, or set COLOSSUS_TERRAFORM to its path`,
    );
  }
  return checkTerraformVersion(result.stdout, binary);
}

/** Checks Terraform, then says which Terraform and which provider source the run will use. */
export async function terraformSetup(env: NodeJS.ProcessEnv): Promise<{ version: string; description: string }> {
  const source = providerSource(env);
  const version = await terraformVersion(env);
  const provider = source.kind === 'mirror' ? `local mirror ${source.path}` : `registry (${source.reason})`;
  return { version, description: `terraform ${version}; provider: ${provider}` };
}

/** The --jobs option of the tools that run Terraform stack by stack. */
export function parseJobs(text: string): number {
  const jobs = Number(text);
  if (!Number.isInteger(jobs) || jobs < 1) {
    throw new ColossusError('invalid option', [`--jobs: must be a whole number of at least 1 (got ${text})`]);
  }
  return jobs;
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
 * Runs the first task alone, then the rest `limit` at a time: with the registry, the first
 * init fills the plugin cache, which is not safe for two inits filling it at once.
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
