import { proveIsolation, type StackJson } from '../../policy/isolation';
import { formatLeak } from '../../policy/isolation/report';
import { tenancyOutputs } from '../../stacks/outputs';
import { synthEnvironment } from '../helpers/synth';
import { body, cloneStacks } from './mutate';

/**
 * Instance profiles join a role to nodes: the proof must catch a tenant's nodes running as
 * another owner's profile, and a profile or role serving two owners, however it is spelled.
 */
const staging = synthEnvironment('staging');
const clean = staging.stacks as Map<string, StackJson>;
const cluster = staging.config.clusters.find((c) => c.id === 'colossus-2')!;
const [a, b] = cluster.tenants as [(typeof cluster.tenants)[0], (typeof cluster.tenants)[0]];
const tenancyName = `staging-${cluster.id}-tenancy`;
const hallOf = (tenant: string) => cluster.tenants.find((t) => t.id === tenant)!.allocations[0]!.hall;
const computeOf = (tenant: string) => `staging-${cluster.id}-compute-${hallOf(tenant)}`;
const profileOutput = (owner: string) =>
  `\${data.terraform_remote_state.tenancy.outputs.${tenancyOutputs.gpuNodeProfileArn(owner)}}`;

/** The name and body of the first launch template of a tenant's (or the spare pool's) SUs in a compute stack. */
function templateOf(json: StackJson, tenant: string): [string, Record<string, unknown>] {
  const found = Object.entries(json.resource!.aws_launch_template!).find(
    ([, lt]) => (lt.tags as Record<string, string>).tenant === tenant,
  );
  if (!found) throw new Error(`no launch template of ${tenant}`);
  return found;
}

function prove(edit: (stacks: Map<string, StackJson>) => void) {
  const stacks = cloneStacks(clean);
  edit(stacks);
  return proveIsolation(stacks);
}

describe('isolation proof: the instance profiles GPU nodes run as', () => {
  it("gives every launch template its owner's profile in the clean environment: no leak, finding or cannot-prove", () => {
    const report = proveIsolation(clean);
    expect(report.leaks.map(formatLeak)).toEqual([]);
    expect(report.findings).toEqual([]);
    expect(report.unproven).toEqual([]);
    for (const [name, json] of clean) {
      if (!name.includes('-compute-')) continue;
      for (const lt of Object.values(json.resource?.aws_launch_template ?? {})) {
        const owner = (lt.tags as Record<string, string>).tenant!;
        expect(lt.iam_instance_profile).toEqual({ arn: profileOutput(owner) });
      }
    }
  });

  it("catches a tenant's launch template naming another tenant's instance profile", () => {
    const compute = computeOf(a.id);
    let template = '';
    const report = prove((stacks) => {
      const [name, lt] = templateOf(stacks.get(compute)!, a.id);
      template = `${compute}: aws_launch_template.${name}`;
      lt.iam_instance_profile = { arn: profileOutput(b.id) };
    });
    const leak = report.leaks.find((l) => l.from === a.id && l.to === b.id && l.layer === 'access');
    expect(leak && formatLeak(leak)).toContain(`${a.id} -> ${b.id} [access]`);
    expect(leak!.path[0]).toEqual({ resource: template, role: `launch template of ${a.id}` });
    expect(leak!.path[1]!.role).toBe(`instance profile of ${b.id}`);
    expect(leak!.path[1]!.resource).toMatch(new RegExp(`^${tenancyName}: aws_iam_instance_profile\\.${b.id}_`));
  });

  it("catches the same, spelled as the other tenant's profile name typed in by hand", () => {
    const compute = computeOf(a.id);
    const report = prove((stacks) => {
      const [, lt] = templateOf(stacks.get(compute)!, a.id);
      lt.iam_instance_profile = { name: `staging-${cluster.id}-${b.id}-gpu-node` };
    });
    expect(report.leaks.some((l) => l.from === a.id && l.to === b.id && l.layer === 'access')).toBe(true);
  });

  it("catches one role behind two tenants' profiles, in both directions", () => {
    const report = prove((stacks) => {
      const tenancy = stacks.get(tenancyName)!;
      body(tenancy, 'aws_iam_instance_profile', `${b.id}/gpu-node/instance-profile`).role =
        `staging-${cluster.id}-${a.id}-gpu-node`;
    });
    const shared = report.leaks.filter((l) =>
      l.path.some((h) => h.role === 'role shared by the nodes of both tenants'),
    );
    expect(shared.map((l) => `${l.from} -> ${l.to}`).sort()).toEqual(
      [`${a.id} -> ${b.id}`, `${b.id} -> ${a.id}`].sort(),
    );
  });

  it("reports a tenant's nodes running as the spare pool's profile, which the spare SUs share", () => {
    const compute = computeOf(a.id);
    let template = '';
    const report = prove((stacks) => {
      const [name, lt] = templateOf(stacks.get(compute)!, a.id);
      template = `${compute}: aws_launch_template.${name}`;
      lt.iam_instance_profile = { arn: profileOutput('unallocated') };
    });
    expect(report.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          tenant: a.id,
          address: template,
          problem: expect.stringMatching(
            /^the nodes of .* run as .*aws_iam_instance_profile\.unallocated_.*, the instance profile of unallocated$/,
          ),
        }),
        expect.objectContaining({
          tenant: a.id,
          problem: `instance profile serves the nodes of ${a.id} and unallocated; each owner's nodes need their own`,
        }),
      ]),
    );
  });

  it('cannot prove a profile it cannot follow: a variable, a literal ARN, a name no profile has', () => {
    const compute = computeOf(a.id);
    for (const spec of [
      { arn: '${var.profile}' },
      { arn: 'arn:aws:iam::111111111111:instance-profile/elsewhere' },
      { name: 'no-such-profile' },
    ]) {
      const report = prove((stacks) => {
        templateOf(stacks.get(compute)!, a.id)[1].iam_instance_profile = spec;
      });
      expect(report.unproven).toEqual([
        expect.objectContaining({ attribute: 'iam_instance_profile', layer: 'access' }),
      ]);
      expect(report.unproven[0]!.address).toMatch(new RegExp(`^${compute}: aws_launch_template\\.`));
    }
  });

  it("passes benign spellings: a tenant's own profile by name, a template without a profile", () => {
    const compute = computeOf(a.id);
    const byName = prove((stacks) => {
      templateOf(stacks.get(compute)!, a.id)[1].iam_instance_profile = {
        name: `staging-${cluster.id}-${a.id}-gpu-node`,
      };
    });
    expect([byName.leaks.map(formatLeak), byName.findings, byName.unproven]).toEqual([[], [], []]);
    const none = prove((stacks) => {
      delete templateOf(stacks.get(compute)!, a.id)[1].iam_instance_profile;
    });
    expect([none.leaks.map(formatLeak), none.findings, none.unproven]).toEqual([[], [], []]);
  });
});
