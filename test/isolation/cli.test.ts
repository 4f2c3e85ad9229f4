import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { proveIsolation, reportJson, writeIsolationReports, type StackJson } from '../../policy/isolation';
import { synthEnvironment } from '../helpers/synth';
import { addResource, cloneStacks, ref } from './mutate';

const dev = synthEnvironment('dev');
const root = mkdtempSync(join(tmpdir(), 'isolation-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes stacks the way cdktf lays out its output folder. */
function writeOutdir(name: string, stacks: Map<string, StackJson>): string {
  const outdir = join(root, name);
  const manifest: Record<string, { synthesizedStackPath: string; workingDirectory: string }> = {};
  for (const [stack, json] of stacks) {
    mkdirSync(join(outdir, 'stacks', stack), { recursive: true });
    writeFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), JSON.stringify(json));
    manifest[stack] = { synthesizedStackPath: `stacks/${stack}/cdk.tf.json`, workingDirectory: `stacks/${stack}` };
  }
  writeFileSync(join(outdir, 'manifest.json'), JSON.stringify({ stacks: manifest }));
  return outdir;
}

function isolation(outdir: string) {
  const tsx = join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');
  return spawnSync(tsx, [join(__dirname, '..', '..', 'tools', 'isolation.ts'), outdir], { encoding: 'utf8' });
}

describe('npm run isolation -- <dir>', () => {
  it('prints the tenant x tenant matrix and exits 0 when isolated', () => {
    const result = isolation(writeOutdir('clean', dev.stacks as Map<string, StackJson>));
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/from \\ to\s+lab-alpha\s+lab-delta/);
    expect(result.stdout).toMatch(/lab-alpha\s+-\s+isolated/);
    expect(result.stdout).toContain('isolated: no path joins any two of 2 tenants');
  });

  it('exits non-zero and names every resource on a leaking path', () => {
    const stacks = cloneStacks(dev.stacks as Map<string, StackJson>);
    const c1 = stacks.get('dev-colossus-1-tenancy')!;
    const c2 = stacks.get('dev-colossus-2-tenancy')!;
    // Peer the two clusters' tenants, with the peer VPC read from the other stack's output.
    c1.data!.terraform_remote_state!.other = JSON.parse(
      JSON.stringify(c1.data!.terraform_remote_state!.network).replace(
        'dev-colossus-1-network',
        'dev-colossus-2-tenancy',
      ),
    );
    addResource(c1, 'aws_vpc_peering_connection', 'leak', {
      vpc_id: ref(c1, 'aws_vpc', 'lab-alpha/network/vpc'),
      peer_vpc_id: '${data.terraform_remote_state.other.outputs.lab_delta_vpc_id}',
    });
    const result = isolation(writeOutdir('leak', stacks));
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/lab-alpha\s+-\s+routing/);
    expect(result.stdout).toContain(
      'dev-colossus-1-tenancy: aws_vpc_peering_connection.leak (VPC peering between tenants)',
    );
    expect(result.stdout).toContain(
      `dev-colossus-2-tenancy: ${ref(c2, 'aws_vpc', 'lab-delta/network/vpc').replace(/^\$\{|\.id\}$/g, '')}`,
    );
  });

  it('shows "cannot prove" in the matrix and names the address and type it does not know', () => {
    const stacks = cloneStacks(dev.stacks as Map<string, StackJson>);
    const c1 = stacks.get('dev-colossus-1-tenancy')!;
    addResource(c1, 'aws_vpn_connection', 'unknown', { customer_gateway_id: 'cgw-1', type: 'ipsec.1' });
    const result = isolation(writeOutdir('unknown', stacks));
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/lab-alpha\s+-\s+cannot prove/);
    expect(result.stdout).toContain('cannot prove (1):');
    // An unknown type could open a path in any layer: every layer of every pair is "cannot prove".
    const json = reportJson(proveIsolation(stacks)) as { pairs: { layers: Record<string, string> }[] };
    for (const pair of json.pairs) expect(new Set(Object.values(pair.layers))).toEqual(new Set(['cannot prove']));
    expect(result.stdout).toContain(
      'dev-colossus-1-tenancy: aws_vpn_connection.unknown [type] (all): type aws_vpn_connection is not in the isolation catalogue',
    );
  });

  it('writes report.json and report.md with a status per layer and pair', () => {
    const stacks = cloneStacks(dev.stacks as Map<string, StackJson>);
    const c1 = stacks.get('dev-colossus-1-tenancy')!;
    addResource(c1, 'aws_vpc_peering_connection', 'leak', {
      vpc_id: ref(c1, 'aws_vpc', 'lab-alpha/network/vpc'),
      peer_vpc_id: 'vpc-0123456789abcdef0',
    });
    const outdir = join(root, 'reports');
    mkdirSync(outdir, { recursive: true });
    writeIsolationReports(outdir, proveIsolation(stacks));
    const report = JSON.parse(readFileSync(join(outdir, 'isolation', 'report.json'), 'utf8')) as {
      verdict: string;
      pairs: { from: string; to: string; layers: Record<string, string> }[];
      cannotProve: { address: string; attribute: string }[];
    };
    expect(report.verdict).toBe('cannot prove');
    expect(report.pairs[0]!.layers).toEqual({
      placement: 'isolated',
      routing: 'cannot prove',
      nacl: 'isolated',
      'security-group': 'isolated',
      access: 'isolated',
    });
    expect(report.cannotProve).toEqual([
      expect.objectContaining({
        address: 'dev-colossus-1-tenancy: aws_vpc_peering_connection.leak',
        attribute: 'peer_vpc_id',
      }),
    ]);
    const md = readFileSync(join(outdir, 'isolation', 'report.md'), 'utf8');
    expect(md).toContain('# Tenant isolation: cannot prove');
    expect(md).toContain('| lab-alpha | - | cannot prove |');
  });

  it('explains a folder with no synth output instead of a stack trace', () => {
    const result = isolation(join(root, 'missing'));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('manifest.json does not exist; run a synth first');
    expect(result.stderr).not.toMatch(/\bat \w+ \(/);
  });
});
