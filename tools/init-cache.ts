import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** What `terraform init` leaves in a stack folder, and all a plan needs of it. */
const INIT_PRODUCTS = ['.terraform', '.terraform.lock.hcl'];

/** What decides the outcome of `terraform init` for a stack: nothing else is read by it. */
export interface InitInputs {
  /** The stack's `terraform` block (backend and required providers), as synthesized. */
  readonly terraformBlock: unknown;
  readonly terraformVersion: string;
  /** The CLI configuration Terraform runs with: where providers come from. */
  readonly cliConfig: string;
}

/**
 * The cache key of an init, or undefined when it must not be cached: only a local backend's
 * init is, because it reads nothing but the folder (an S3 backend's checks the bucket and the
 * state, which change behind the cache's back).
 */
export function initCacheKey(inputs: InitInputs): string | undefined {
  const backend = (inputs.terraformBlock as { backend?: Record<string, unknown> } | undefined)?.backend;
  if (!backend || Object.keys(backend).join() !== 'local') return undefined;
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex');
}

/** The init inputs of a synthesized stack folder. */
export function initInputsOf(dir: string, terraformVersion: string, env: NodeJS.ProcessEnv): InitInputs {
  const json = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')) as { terraform?: unknown };
  const file = env.TF_CLI_CONFIG_FILE;
  return {
    terraformBlock: json.terraform,
    terraformVersion,
    cliConfig: file && existsSync(file) ? readFileSync(file, 'utf8') : '',
  };
}

/**
 * Puts a cached init into a stack folder that has none yet; false when there is nothing cached
 * (or the folder was initialized before: then init runs as usual).
 */
export function restoreInit(cacheRoot: string, key: string, dir: string): boolean {
  const entry = join(cacheRoot, key);
  if (existsSync(join(dir, '.terraform')) || !INIT_PRODUCTS.every((p) => existsSync(join(entry, p)))) return false;
  // Symlinks stay links: the provider folder points into the plugin mirror or cache.
  for (const p of INIT_PRODUCTS) cpSync(join(entry, p), join(dir, p), { recursive: true, verbatimSymlinks: true });
  return true;
}

/** Keeps what init left in a stack folder; written aside and renamed, so a reader never sees half an entry. */
export function saveInit(cacheRoot: string, key: string, dir: string): void {
  const entry = join(cacheRoot, key);
  if (existsSync(entry) || !INIT_PRODUCTS.every((p) => existsSync(join(dir, p)))) return;
  const aside = `${entry}.${process.pid}.partial`;
  rmSync(aside, { recursive: true, force: true });
  mkdirSync(aside, { recursive: true });
  for (const p of INIT_PRODUCTS) cpSync(join(dir, p), join(aside, p), { recursive: true, verbatimSymlinks: true });
  try {
    renameSync(aside, entry);
  } catch {
    // Another plan saved the same entry first: theirs is as good.
    rmSync(aside, { recursive: true, force: true });
  }
}
