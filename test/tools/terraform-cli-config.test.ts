import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AWS_PROVIDER,
  checkTerraformVersion,
  cliConfigText,
  mapLimit,
  mirrorLayout,
  parseJobs,
  providerPlatform,
  providerSource,
  run,
  terraformBinary,
  terraformEnv,
  TERRAFORM_GOGC,
  terraformVersion,
} from '../../tools/terraform';

// Any host folder will do: a mirror keeps each provider under the host of its source address.
const HOST = 'mirror-host.example';
let root: string;

function unpackedMirror(): string {
  const dir = join(root, 'unpacked');
  mkdirSync(join(dir, HOST, AWS_PROVIDER.source, AWS_PROVIDER.version, providerPlatform()), { recursive: true });
  return dir;
}

function packedMirror(): string {
  const dir = join(root, 'packed');
  const folder = join(dir, HOST, AWS_PROVIDER.source);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, `terraform-provider-aws_${AWS_PROVIDER.version}_${providerPlatform()}.zip`), '');
  return dir;
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'colossus-tf-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('provider mirror discovery', () => {
  it('recognises both of Terraform mirror layouts, and nothing else', () => {
    expect(mirrorLayout(unpackedMirror())).toBe('unpacked');
    expect(mirrorLayout(packedMirror())).toBe('packed');
    expect(mirrorLayout(root)).toBeUndefined();
    expect(mirrorLayout(join(root, 'missing'))).toBeUndefined();
  });

  it('ignores a mirror of another provider version', () => {
    const dir = join(root, 'old');
    mkdirSync(join(dir, HOST, AWS_PROVIDER.source, '5.99.0', providerPlatform()), { recursive: true });
    expect(mirrorLayout(dir)).toBeUndefined();
  });

  it('uses the mirror COLOSSUS_TF_MIRROR names, or the registry when told', () => {
    const dir = unpackedMirror();
    expect(providerSource({ COLOSSUS_TF_MIRROR: dir })).toEqual({ kind: 'mirror', path: dir, layout: 'unpacked' });
    expect(providerSource({ COLOSSUS_TF_MIRROR: 'registry' })).toEqual({
      kind: 'registry',
      reason: 'COLOSSUS_TF_MIRROR=registry',
    });
  });

  it('names the variable and what is missing when the named mirror lacks the provider', () => {
    expect(() => providerSource({ COLOSSUS_TF_MIRROR: root })).toThrow(
      `COLOSSUS_TF_MIRROR=${root} does not hold hashicorp/aws 5.100.0 for ${providerPlatform()}`,
    );
  });
});

describe('Terraform CLI config', () => {
  it('installs from an unpacked mirror with no shared plugin cache, so parallel inits cannot race', () => {
    const text = cliConfigText({ kind: 'mirror', path: '/m', layout: 'unpacked' }, '/cache');
    expect(text).toContain('filesystem_mirror {\n    path    = "/m"');
    expect(text).toContain('direct {\n    exclude = ["hashicorp/aws"]');
    expect(text).not.toContain('plugin_cache_dir');
  });

  it('caches what it unpacks or downloads, and lets the cache fill the lock file', () => {
    for (const source of [
      { kind: 'mirror', path: '/m', layout: 'packed' } as const,
      { kind: 'registry', reason: 'test' } as const,
    ]) {
      const text = cliConfigText(source, '/cache');
      expect(text).toContain('plugin_cache_dir = "/cache"');
      expect(text).toContain('plugin_cache_may_break_dependency_lock_file = true');
    }
    expect(cliConfigText({ kind: 'registry', reason: 'test' }, '/cache')).not.toContain('provider_installation');
  });

  it('turns off the checkpoint call in the config and the environment', () => {
    const env = terraformEnv({ COLOSSUS_TF_MIRROR: unpackedMirror() }, join(root, 'cache'));
    expect(env.CHECKPOINT_DISABLE).toBe('1');
    expect(readFileSync(env.TF_CLI_CONFIG_FILE!, 'utf8')).toContain('disable_checkpoint = true');
  });

  it("runs Terraform with a larger garbage collector target, unless the caller's environment sets one", () => {
    const cache = join(root, 'cache');
    const mirror = unpackedMirror();
    expect(terraformEnv({ COLOSSUS_TF_MIRROR: mirror }, cache).GOGC).toBe(TERRAFORM_GOGC);
    expect(Number(TERRAFORM_GOGC)).toBeGreaterThan(100);
    expect(terraformEnv({ COLOSSUS_TF_MIRROR: mirror, GOGC: '100' }, cache).GOGC).toBe('100');
    expect(terraformEnv({ COLOSSUS_TF_MIRROR: mirror, GOGC: 'off' }, cache).GOGC).toBe('off');
  });

  // The CI failure this guards: six inits at once against a shared cache lost the race.
  it('lets six stacks init at once with the config the project writes', async () => {
    const env = terraformEnv(process.env, join(root, 'cache'));
    const dirs = Array.from({ length: 6 }, (_, i) => {
      const dir = join(root, `stack-${i}`);
      mkdirSync(dir);
      writeFileSync(
        join(dir, 'main.tf.json'),
        JSON.stringify({
          terraform: { required_providers: { aws: { source: AWS_PROVIDER.source, version: AWS_PROVIDER.version } } },
        }),
      );
      return dir;
    });
    const results = await mapLimit(dirs, 6, (cwd) =>
      run(terraformBinary(), ['init', '-backend=false', '-input=false', '-no-color'], { cwd, env }),
    );
    expect(results.map((r) => (r.code === 0 ? 'ok' : r.stderrTail))).toEqual(dirs.map(() => 'ok'));
  });
});

describe('locating Terraform', () => {
  it('accepts 1.10 and later, the releases with S3 native locking', () => {
    expect(checkTerraformVersion('{"terraform_version":"1.11.4"}', 'terraform')).toBe('1.11.4');
    expect(checkTerraformVersion('{"terraform_version":"1.10.0"}', 'terraform')).toBe('1.10.0');
    expect(checkTerraformVersion('{"terraform_version":"2.0.1"}', 'terraform')).toBe('2.0.1');
  });

  it('says why an older Terraform will not do', () => {
    expect(() => checkTerraformVersion('{"terraform_version":"1.9.8"}', 'terraform')).toThrow(
      "Terraform 1.9.8 is too old: the S3 backend's native locking (use_lockfile) needs 1.10 or later, and CI runs 1.11",
    );
  });

  it('says so when the binary is not Terraform', () => {
    expect(() => checkTerraformVersion('OpenTofu v1.8.0', 'tofu')).toThrow(
      '"tofu version -json" did not print a Terraform version; is tofu Terraform?',
    );
  });

  it('names the setting when Terraform cannot be found', async () => {
    const missing = join(root, 'no-such-terraform');
    await expect(terraformVersion({ ...process.env, COLOSSUS_TERRAFORM: missing })).rejects.toThrow(
      `Terraform not found: there is no "${missing}" to run; install Terraform 1.11 on the PATH, or set COLOSSUS_TERRAFORM to its path`,
    );
  });
});

describe('--jobs', () => {
  it('takes a whole number of at least 1', () => {
    expect(parseJobs('2')).toBe(2);
    expect(parseJobs('8')).toBe(8);
  });

  it.each(['0', '-1', '1.5', 'two', ''])('refuses %p with the option and the rule', (text) => {
    expect(() => parseJobs(text)).toThrow(`--jobs: must be a whole number of at least 1 (got ${text})`);
  });
});
