import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../config/load';
import { bootstrapStackName } from '../stacks/bootstrap-stack';
import { planStacks } from '../stacks/sharding';
import { localStateRoot } from '../stacks/synth-output';
import {
  emptyEmulatorBucket,
  emulatorInventory,
  installEmulator,
  MOTO_VERSION,
  startEmulator,
  type Emulator,
} from './emulator';
import { logFiles, run, type RunOptions, type RunResult } from './run';
import { PROJECT_ROOT, mapLimit, terraformBinary, terraformEnv } from './terraform';

/**
 * The end-to-end deploy test (`npm run test:deploy`): deploys the emulator environment to a
 * local moto server with `cdktf deploy`, re-plans every stack expecting no change, races two
 * deploys on the S3 lock, kills a deploy holding the lock and force-unlocks it, interrupts a
 * deploy and re-runs it, then destroys everything and checks that the emulator holds nothing
 * of ours. Prints the timings it measures.
 */
const ENVIRONMENT = 'emulator';
const OUTDIR = join(PROJECT_ROOT, 'cdktf.out.deploy-test');
/** Every command's whole output; outside OUTDIR, which cdktf's synth may replace. */
const LOG_DIR = join(PROJECT_ROOT, '.cache', 'deploy-test', 'logs');

/** Things every resource of ours carries in a name, tag or ARN. */
export const OUR_MARKERS = ['colossus-infra', `${ENVIRONMENT}-colossus-`, `${ENVIRONMENT}-lab-`];

type Inventory = Record<string, Record<string, unknown[]>>;

/**
 * What AWS itself keeps for a while after a delete: keys pending deletion, terminated
 * instances, endpoints and Transit Gateway route tables in the "deleted" state.
 */
function stillWinding(service: string, entry: Record<string, unknown>): boolean {
  if (service === 'kms') return entry.KeyState === 'PendingDeletion';
  if (typeof entry.State === 'string') return entry.State.toLowerCase() === 'deleted';
  if (service === 'ec2' && entry.State && typeof entry.State === 'object') {
    return (entry.State as { Name?: string }).Name === 'terminated';
  }
  return false;
}

/**
 * The order to destroy stacks in: waves of stacks that no stack still standing depends on
 * (cdktf's manifest.json `dependencies`), so the stacks of one wave can go side by side.
 * Fails on a dependency cycle, naming the stacks left.
 */
export function destroyWaves(dependencies: ReadonlyMap<string, readonly string[]>): string[][] {
  const standing = new Set(dependencies.keys());
  const waves: string[][] = [];
  while (standing.size > 0) {
    const needed = new Set([...standing].flatMap((s) => dependencies.get(s) ?? []));
    const wave = [...standing].filter((s) => !needed.has(s)).sort();
    if (wave.length === 0) throw new Error(`the stacks depend on each other in a cycle: ${[...standing].join(', ')}`);
    for (const s of wave) standing.delete(s);
    waves.push(wave);
  }
  return waves;
}

/** Entries of the emulator's inventory (emulatorInventory) that mention any of our markers, by service.model. */
export function leftovers(inventory: Inventory, markers: readonly string[] = OUR_MARKERS): Record<string, number> {
  const found: Record<string, number> = {};
  for (const [service, models] of Object.entries(inventory)) {
    for (const [model, entries] of Object.entries(models)) {
      // A *Backend entry is moto's own container (its tag index among others), not a resource.
      if (!Array.isArray(entries) || model.endsWith('Backend')) continue;
      for (const entry of entries) {
        if (!entry || typeof entry !== 'object') continue;
        const text = JSON.stringify(entry);
        if (!markers.some((m) => text.includes(m))) continue;
        if (stillWinding(service, entry as Record<string, unknown>)) continue;
        found[`${service}.${model}`] = (found[`${service}.${model}`] ?? 0) + 1;
      }
    }
  }
  return found;
}

/** A resource block of a synthesized stack or of a Terraform state, by address. */
export interface StackResource {
  readonly address: string;
  readonly type: string;
  /** The name AWS knows it by, where the resource has one. */
  readonly name?: string;
}

/** The part of a synthesized stack (cdk.tf.json) the test reads. */
export interface SynthesizedStack {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
}

/** The managed resources a synthesized stack (cdk.tf.json) declares. */
export function declaredResources(synthesized: SynthesizedStack): StackResource[] {
  return Object.entries(synthesized.resource ?? {}).flatMap(([type, blocks]) =>
    Object.entries(blocks).map(([id, block]) => ({
      address: `${type}.${id}`,
      type,
      ...(typeof block.name === 'string' ? { name: block.name } : {}),
    })),
  );
}

/** What `terraform state pull` prints, as far as the test reads it. */
export interface PulledState {
  readonly serial: number;
  readonly lineage: string;
  readonly resources: { mode: string; type: string; name: string; instances?: unknown[] }[];
}

/** The addresses of the managed resource instances a pulled state holds. */
export function stateAddresses(state: Pick<PulledState, 'resources'>): string[] {
  return (state.resources ?? [])
    .filter((r) => r.mode === 'managed')
    .flatMap((r) => (r.instances ?? []).map(() => `${r.type}.${r.name}`));
}

/**
 * How `terraform import` names an existing resource of each named type, from its entry in
 * the emulator's inventory. An interrupted create can leave such a resource in the cloud but not in
 * state; the operator adopts it by name (README, "After an interrupted deploy").
 */
const ADOPTABLE: Readonly<Record<string, { model: string; importId: (entry: Record<string, unknown>) => unknown }>> = {
  aws_launch_template: { model: 'ec2.LaunchTemplate', importId: (e) => e.id },
  aws_security_group: { model: 'ec2.SecurityGroup', importId: (e) => e.id },
  aws_autoscaling_group: { model: 'autoscaling.AutoScalingGroup', importId: (e) => e.name },
};

/** Entries of one kind (service.model) whose AWS name is `name`. */
export function entriesNamed(inventory: Inventory, model: string, name: string): Record<string, unknown>[] {
  const [service, kind] = model.split('.') as [string, string];
  const entries = inventory[service]?.[kind];
  if (!Array.isArray(entries)) return [];
  return entries.filter(
    (e): e is Record<string, unknown> => !!e && typeof e === 'object' && (e as { name?: unknown }).name === name,
  );
}

/** How many entries the emulator holds under each named resource's name, for the types it can adopt. */
export function namedCounts(declared: readonly StackResource[], inventory: Inventory): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of declared) {
    const adoptable = r.name ? ADOPTABLE[r.type] : undefined;
    if (adoptable) counts[r.address] = entriesNamed(inventory, adoptable.model, r.name!).length;
  }
  return counts;
}

/**
 * Resources a stack declares that are missing from its state but exist in the emulator under
 * their name: orphans of an interrupted create, with the id `terraform import` takes.
 */
export function orphans(
  declared: readonly StackResource[],
  inState: readonly string[],
  inventory: Inventory,
): { address: string; importId: string }[] {
  const out: { address: string; importId: string }[] = [];
  for (const resource of declared) {
    const adoptable = ADOPTABLE[resource.type];
    if (inState.includes(resource.address) || !resource.name || !adoptable) continue;
    const matches = entriesNamed(inventory, adoptable.model, resource.name);
    if (matches.length !== 1) continue;
    const id = adoptable.importId(matches[0]!);
    if (typeof id === 'string') out.push({ address: resource.address, importId: id });
  }
  return out;
}

/** The state of a stack as `terraform state pull` prints it, attributes included. */
export interface StateWithAttributes {
  readonly resources?: {
    mode: string;
    type: string;
    name: string;
    instances?: { attributes?: Record<string, unknown> }[];
  }[];
}

const RULE_TYPES: Readonly<Record<string, boolean>> = {
  aws_vpc_security_group_ingress_rule: false,
  aws_vpc_security_group_egress_rule: true,
};

/**
 * What a synthesized value is once deployed: a literal as it is, a reference (`${TYPE.NAME.attr}`
 * or `${data.TYPE.NAME.outputs.key}`) read from the state's recorded attributes, or undefined
 * when the state does not hold it.
 */
export function resolveFromState(value: unknown, state: StateWithAttributes): string | number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const ref = /^\$\{(data\.)?([a-z0-9_]+)\.([^.}]+)\.([^}]+)\}$/.exec(value);
  if (!ref) return value.includes('${') ? undefined : value;
  const held = (state.resources ?? []).find(
    (r) => r.mode === (ref[1] ? 'data' : 'managed') && r.type === ref[2] && r.name === ref[3],
  );
  let at: unknown = held?.instances?.[0]?.attributes;
  for (const key of ref[4]!.split('.')) {
    if (!at || typeof at !== 'object') return undefined;
    const object = at as Record<string, unknown>;
    // terraform_remote_state keeps its outputs as { value, type }.
    const wrapped = object.value as Record<string, unknown> | undefined;
    at = key in object ? object[key] : wrapped && typeof wrapped === 'object' ? wrapped[key] : undefined;
  }
  return typeof at === 'string' || typeof at === 'number' ? at : undefined;
}

/**
 * Security group rules a stack declares that are missing from its state but exist in the
 * emulator: a rule has no name, so it is matched on what AWS refuses a duplicate of (group,
 * direction, protocol, ports and peer), among the rules no state entry holds yet.
 */
export function ruleOrphans(
  synthesized: SynthesizedStack,
  state: StateWithAttributes,
  inventory: Inventory,
): { address: string; importId: string }[] {
  const held = new Set(
    (state.resources ?? [])
      .filter((r) => r.mode === 'managed' && r.type in RULE_TYPES)
      .flatMap((r) => (r.instances ?? []).map((i) => i.attributes?.id)),
  );
  const inState = new Set(stateAddresses(state as PulledState));
  const rules = (inventory.ec2?.SecurityGroupRule ?? []) as Record<string, unknown>[];
  const out: { address: string; importId: string }[] = [];
  for (const [type, egress] of Object.entries(RULE_TYPES)) {
    for (const [id, block] of Object.entries(synthesized.resource?.[type] ?? {})) {
      const address = `${type}.${id}`;
      if (inState.has(address)) continue;
      // Every field AWS compares, as deployed; a field the state cannot resolve adopts nothing.
      const want = (field: string): string | number | null | undefined =>
        block[field] === undefined ? null : resolveFromState(block[field], state);
      const fields = ['security_group_id', 'referenced_security_group_id', 'cidr_ipv4', 'cidr_ipv6', 'prefix_list_id'];
      const resolved = Object.fromEntries(fields.map((f) => [f, want(f)]));
      if (!resolved.security_group_id || Object.values(resolved).some((v) => v === undefined)) continue;
      const protocol = String(block.ip_protocol);
      const allPorts = protocol === '-1';
      const matches = rules.filter(
        (r) =>
          !held.has(r.SecurityGroupRuleId) &&
          r.GroupId === resolved.security_group_id &&
          r.IsEgress === egress &&
          String(r.IpProtocol) === protocol &&
          (allPorts || (r.FromPort === block.from_port && r.ToPort === block.to_port)) &&
          (r.CidrIpv4 ?? null) === resolved.cidr_ipv4 &&
          (r.CidrIpv6 ?? null) === resolved.cidr_ipv6 &&
          (r.PrefixListId ?? null) === resolved.prefix_list_id &&
          ((r.ReferencedGroupInfo as { GroupId?: string } | undefined)?.GroupId ?? null) ===
            resolved.referenced_security_group_id,
      );
      if (matches.length === 1 && typeof matches[0]!.SecurityGroupRuleId === 'string') {
        out.push({ address, importId: matches[0]!.SecurityGroupRuleId });
      }
    }
  }
  return out;
}

/**
 * Transit Gateway VPC attachments whose delete failed only because the emulator dropped them
 * outright (gap tgw-attachment-delete), or undefined when the output holds any other error.
 */
export function goneAttachments(output: string): string[] | undefined {
  // eslint-disable-next-line no-control-regex -- strips ANSI colour codes
  const text = output.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  const errors = text.split(/^.*Error: /m).slice(1);
  if (errors.length === 0) return undefined;
  const ids: string[] = [];
  for (const error of errors) {
    const match = /Transit Gateway VPC Attachment \((tgw-attach-[0-9a-z]+)\)[^\n]*couldn't find resource/.exec(error);
    if (!match) return undefined;
    ids.push(match[1]!);
  }
  return ids;
}

/** The lock id Terraform prints under "Lock Info:" when it cannot acquire a held lock. */
export function lockIdFrom(output: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- strips ANSI colour codes
  const text = output.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  return /Lock Info:\s*\n[│\s]*ID:\s+(\S+)/.exec(text)?.[1];
}

class DeployTestFailure extends Error {}

function expect(condition: boolean, message: string): void {
  if (!condition) throw new DeployTestFailure(message);
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

async function timed<T>(label: string, figures: string[], work: () => Promise<T>): Promise<T> {
  const start = Date.now();
  const result = await work();
  figures.push(`${label}: ${seconds(Date.now() - start)}`);
  console.log(`  ${label}: ${seconds(Date.now() - start)}`);
  return result;
}

/** A plan's result with its first resource lines (what would change, and how), at most 80. */
type PlanResult = RunResult & { readonly changes: readonly string[] };

/** The resource lines of a plan, else the end of its errors. */
function changesIn(plan: PlanResult): string {
  return (plan.changes.length ? plan.changes : plan.stderrTail.split('\n').slice(0, 80)).join('\n');
}

/** The error blocks of a run's output (else its last lines), without terminal colours. */
function tail(result: RunResult, lines = 25): string {
  // eslint-disable-next-line no-control-regex -- strips ANSI colour codes
  const all = `${result.stdoutTail}\n${result.stderrTail}`.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').split('\n');
  const errors = all.flatMap((line, i) => (/Error:/.test(line) ? all.slice(i, i + 8) : []));
  return (errors.length ? errors.slice(0, 80) : all.slice(-lines)).join('\n');
}

async function main(): Promise<void> {
  const figures: string[] = [];
  const faults: string[] = [];
  console.log(`deploy test: installing moto ${MOTO_VERSION} (once) and starting it`);
  installEmulator((line) => console.log(`  ${line}`));
  const emulator = await startEmulator();
  console.log(`  emulator at ${emulator.endpoint} (log ${emulator.log})`);
  try {
    await scenario(emulator, figures, faults);
  } finally {
    await emulator.stop();
  }
  console.log('\ndeploy test passed');
  console.log('figures:');
  for (const f of figures) console.log(`  ${f}`);
  console.log('faults injected:');
  for (const f of faults) console.log(`  ${f}`);
}

/** What a suite that shares the deployment gets: the emulator, the synthesized base, the environment its commands need. */
export interface DeployedBase {
  readonly endpoint: string;
  /** The synth output the stacks were deployed from (cdktf.out.deploy-test). */
  readonly outdir: string;
  readonly env: NodeJS.ProcessEnv;
}

export interface ScenarioOptions {
  /** An environment file to deploy instead of the emulator environment's own (as COLOSSUS_CONFIG). */
  readonly configFile?: string;
  /**
   * Runs once every stack is deployed and planned again without changes, before the fault
   * tests touch the state; returns its failures, which are reported after the destroy.
   */
  readonly whileDeployed?: (base: DeployedBase) => Promise<string[]>;
}

export async function scenario(
  emulator: Emulator,
  figures: string[],
  faults: string[],
  options: ScenarioOptions = {},
): Promise<void> {
  const endpoint = emulator.endpoint;
  const env: NodeJS.ProcessEnv = {
    ...terraformEnv(),
    COLOSSUS_ENV: ENVIRONMENT,
    ...(options.configFile ? { COLOSSUS_CONFIG: options.configFile } : {}),
    COLOSSUS_TARGET: 'emulator',
    COLOSSUS_EMULATOR_ENDPOINT: endpoint,
    // Nothing here may reach real AWS, whatever the caller's shell holds.
    AWS_ACCESS_KEY_ID: 'emulator',
    AWS_SECRET_ACCESS_KEY: 'emulator',
    AWS_PROFILE: '',
    AWS_SESSION_TOKEN: '',
  };
  const config = loadConfig(options.configFile ? { file: options.configFile } : { environment: ENVIRONMENT });
  if (config.environment.backend.type !== 's3') throw new Error('the emulator environment must use the S3 backend');
  const backend = config.environment.backend;
  const bootstrap = bootstrapStackName(ENVIRONMENT);
  // The plan lists the bootstrap stack first.
  const stacks = planStacks(config).map((p) => p.name);
  const stateKey = (stack: string) => `${backend.keyPrefix}/${stack}.tfstate`;
  const stackDir = (stack: string) => join(OUTDIR, 'stacks', stack);
  // A fresh emulator knows nothing of earlier runs: their local bootstrap state must go too.
  rmSync(OUTDIR, { recursive: true, force: true });
  rmSync(LOG_DIR, { recursive: true, force: true });
  rmSync(join(localStateRoot(PROJECT_ROOT, process.env.COLOSSUS_STATE_DIR), ENVIRONMENT), {
    recursive: true,
    force: true,
  });

  // Every command's whole output goes to a file under LOG_DIR; only tails stay in memory.
  let commands = 0;
  const logsFor = (what: string) => {
    commands += 1;
    return logFiles(LOG_DIR, `${String(commands).padStart(3, '0')}-${what}`);
  };
  const cdktf = (args: string[]) =>
    run(join(PROJECT_ROOT, 'node_modules', '.bin', 'cdktf'), [...args, '--output', OUTDIR], {
      cwd: PROJECT_ROOT,
      env,
      ...logsFor(`cdktf-${args[0] ?? ''}`),
    });
  const terraform = (stack: string, args: string[], options: Partial<RunOptions> = {}) =>
    run(terraformBinary(env), args, {
      cwd: stackDir(stack),
      env: { ...env, TF_IN_AUTOMATION: '1' },
      ...logsFor(`${stack}-${args[0] ?? ''}`),
      ...options,
    });
  const s3 = (path: string, init?: RequestInit) => fetch(`${endpoint}/${backend.bucket}${path}`, init);
  // Through the APIs: moto's model dump (/moto-api/data.json) also keeps what was deleted.
  const inventory = async (): Promise<Inventory> => emulatorInventory(endpoint, config.environment.region);
  // Listing touches no object, so it works on the emulator without signed requests or KMS.
  const lockExists = async (stack: string) => {
    const listing = await (await s3(`?list-type=2&prefix=${encodeURIComponent(`${stateKey(stack)}.tflock`)}`)).text();
    return listing.includes('<Key>');
  };
  const readState = async (stack: string) => {
    const pulled = await terraform(stack, ['state', 'pull']);
    expect(pulled.code === 0, `state of ${stack} unreadable:\n${tail(pulled)}`);
    // Parsed whole, from its file: the emulator's states are small.
    return JSON.parse(readFileSync(pulled.stdoutFile!, 'utf8')) as PulledState;
  };
  const planIsEmpty = async (stack: string): Promise<PlanResult> => {
    const changes: string[] = [];
    const plan = await terraform(
      stack,
      ['plan', '-detailed-exitcode', '-input=false', '-no-color', '-lock-timeout=30s'],
      {
        onLine: (line, stream) => {
          if (stream === 'stdout' && changes.length < 80 && /^\s+[~+-]|^\s+#|Plan:|Error/.test(line))
            changes.push(line);
        },
      },
    );
    return { ...plan, changes };
  };
  const synthesizedStack = (stack: string): SynthesizedStack =>
    JSON.parse(readFileSync(join(stackDir(stack), 'cdk.tf.json'), 'utf8')) as SynthesizedStack;
  const declared = (stack: string): StackResource[] => declaredResources(synthesizedStack(stack));
  const attachmentDeleteGap = config.environment.emulatorGaps.includes('tgw-attachment-delete');
  /**
   * terraform destroy of one stack. With the gap tgw-attachment-delete, a destroy that fails
   * only because moto dropped a deleted attachment outright (AWS keeps it as "deleted") is run
   * once more, after checking the attachment is really gone: the refresh drops it from state.
   */
  const destroyStack = async (stack: string): Promise<string> => {
    const down = await terraform(stack, ['destroy', '-auto-approve', '-input=false', '-no-color']);
    if (down.code === 0) return 'destroyed';
    const gone = attachmentDeleteGap ? goneAttachments(`${down.stdoutTail}\n${down.stderrTail}`) : undefined;
    expect(gone !== undefined, `destroying ${stack} failed:\n${tail(down)}`);
    const ec2 = (await inventory()).ec2 ?? {};
    const still = JSON.stringify([ec2.TransitGatewayAttachment ?? [], ec2.TransitGatewayVpcAttachment ?? []]);
    const present = gone!.filter((id) => still.includes(`"${id}"`));
    expect(present.length === 0, `destroying ${stack} failed, and the emulator still holds ${present.join(', ')}`);
    const again = await terraform(stack, ['destroy', '-auto-approve', '-input=false', '-no-color']);
    expect(again.code === 0, `destroying ${stack} again failed:\n${tail(again)}`);
    return `destroyed (second destroy after moto dropped ${[...new Set(gone)].join(', ')}: gap tgw-attachment-delete)`;
  };

  // 1. Deploy every stack; cdktf orders them by the dependencies build.ts declares.
  console.log(`\n1. cdktf deploy --auto-approve: ${stacks.join(', ')}`);
  await timed('deploy (cdktf deploy: bootstrap, then the rest)', figures, async () => {
    // cdktf initializes every stack it deploys up front, and the others need the state bucket.
    // (--ignore-missing-stack-dependencies would also drop the ordering, so it is not used.)
    for (const batch of [[bootstrap], stacks]) {
      const deploy = await cdktf(['deploy', ...batch, '--auto-approve', '--skip-provider-lock', '--parallelism', '2']);
      expect(deploy.code === 0, `cdktf deploy ${batch.join(' ')} failed:\n${tail(deploy)}`);
    }
  });
  const deployed = leftovers(await inventory());
  const ours = Object.values(deployed).reduce((a, b) => a + b, 0);
  console.log(`  the emulator holds ${ours} entries of ours: ${JSON.stringify(deployed)}`);
  expect(ours > 0, 'nothing of ours found in the emulator after the deploy: the inventory check cannot work');

  // 2. A second plan of every stack must be empty.
  console.log('\n2. terraform plan -detailed-exitcode on every stack');
  await timed('re-plan (all stacks, two at a time)', figures, async () => {
    // Plans only read state and the emulator, so stacks plan side by side; results print in order.
    const plans = await mapLimit(stacks, 2, (stack) => planIsEmpty(stack));
    const changed: string[] = [];
    stacks.forEach((stack, i) => {
      const plan = plans[i]!;
      if (plan.code !== 0) changed.push(`${stack} (plan exit ${plan.code}):\n${changesIn(plan)}`);
      console.log(`  ${stack}: ${plan.code === 0 ? 'no changes' : 'CHANGES'}`);
    });
    expect(changed.length === 0, `not idempotent:\n${changed.join('\n')}`);
  });

  // Failures from here on are reported at the end: the destroy below still runs and looks for leftovers.
  const failures: string[] = [];
  if (options.whileDeployed) {
    try {
      failures.push(...(await options.whileDeployed({ endpoint, outdir: OUTDIR, env })));
    } catch (error) {
      failures.push(`while deployed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  // 3. Two concurrent deploys of one stack: the second must fail on the S3 lock file.
  const raced = planStacks(config).find((p) => p.layer === 'network')!.name;
  console.log(`\n3. two concurrent deploys of ${raced}`);
  const before = await readState(raced);
  let second: RunResult | undefined;
  for (let attempt = 1; attempt <= 3 && !second; attempt++) {
    const first = terraform(raced, ['apply', '-auto-approve', '-input=false', '-no-color']);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !(await lockExists(raced))) await new Promise((r) => setTimeout(r, 50));
    if (await lockExists(raced)) {
      second = await terraform(raced, ['apply', '-auto-approve', '-input=false', '-no-color', '-lock-timeout=0s']);
    }
    const firstResult = await first;
    expect(firstResult.code === 0, `the first of two concurrent deploys failed:\n${tail(firstResult)}`);
  }
  expect(second !== undefined, 'never saw the first deploy hold the lock');
  const secondText = `${second!.stdoutTail}${second!.stderrTail}`;
  expect(second!.code !== 0, 'the second concurrent deploy succeeded: the lock did not hold');
  expect(
    /Error acquiring the state lock/.test(secondText),
    `the second deploy failed, but not on the lock:\n${tail(second!)}`,
  );
  const lockLine = secondText
    .split('\n')
    .find((l) => /Error acquiring the state lock/.test(l))
    ?.trim();
  const after = await readState(raced);
  expect(
    after.lineage === before.lineage && after.resources.length === before.resources.length,
    'state changed shape under the race',
  );
  expect(!(await lockExists(raced)), 'the lock file outlived both deploys');
  expect((await planIsEmpty(raced)).code === 0, `${raced} has changes after the race`);
  faults.push(
    `concurrent deploy of ${raced}: second apply exited ${second!.code} with "${lockLine}"; state serial ${before.serial} -> ${after.serial}, lineage and ${after.resources.length} resources unchanged, lock released, plan empty`,
  );
  console.log(`  ${faults.at(-1)}`);

  // 3b. Kill a deploy outright while it holds the lock: nothing can release it, so the next
  // run is refused until the operator force-unlocks with the id Terraform prints.
  console.log(`\n3b. SIGKILL a deploy of ${raced} while it holds the lock`);
  let killed: { code: number; lockSeen: boolean } | undefined;
  for (let attempt = 1; attempt <= 3 && !killed?.lockSeen; attempt++) {
    const child = spawn(terraformBinary(env), ['apply', '-auto-approve', '-input=false', '-no-color'], {
      cwd: stackDir(raced),
      env,
      stdio: 'ignore',
    });
    const exited = new Promise<number>((resolveExit) =>
      child.on('close', (code, signal) => resolveExit(code ?? (signal ? 137 : -1))),
    );
    let finished = false;
    void exited.then(() => (finished = true));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline && !finished && !(await lockExists(raced)))
      await new Promise((r) => setTimeout(r, 50));
    const lockSeen = !finished && (await lockExists(raced));
    if (lockSeen) child.kill('SIGKILL');
    killed = { code: await exited, lockSeen };
  }
  expect(killed!.lockSeen, 'never saw the deploy hold the lock before it finished');
  expect(await lockExists(raced), 'SIGKILL left no lock behind: the kill came too late to test a stale lock');
  const refused = await terraform(raced, ['plan', '-input=false', '-no-color', '-lock-timeout=0s']);
  const refusedText = `${refused.stdoutTail}\n${refused.stderrTail}`;
  expect(
    refused.code !== 0 && /Error acquiring the state lock/.test(refusedText),
    `the plan after the kill was not refused on the lock:\n${tail(refused)}`,
  );
  const staleId = lockIdFrom(refusedText);
  expect(staleId !== undefined, `no lock id in the refusal:\n${tail(refused)}`);
  const unlocked = await terraform(raced, ['force-unlock', '-force', staleId!]);
  expect(unlocked.code === 0, `terraform force-unlock ${staleId} failed:\n${tail(unlocked)}`);
  expect(!(await lockExists(raced)), 'the lock is still there after force-unlock');
  const afterKill = await readState(raced);
  expect(
    afterKill.lineage === before.lineage && afterKill.resources.length === before.resources.length,
    'state changed shape under the kill',
  );
  expect((await planIsEmpty(raced)).code === 0, `${raced} has changes after the kill and force-unlock`);
  faults.push(
    `SIGKILL to terraform apply of ${raced} while it held the lock: exit ${killed!.code}, the lock stayed; ` +
      `the next plan was refused with "Error acquiring the state lock" and lock id ${staleId}; ` +
      `terraform force-unlock -force ${staleId} removed it; lineage and ${afterKill.resources.length} resources unchanged, plan empty`,
  );
  console.log(`  ${faults.at(-1)}`);

  // 4. Interrupt a deploy part-way (SIGINT, as Ctrl-C), then deploy again.
  // A failure here is reported at the end: the destroy below still runs and looks for leftovers.
  try {
    const interrupted = planStacks(config).find((p) => p.layer === 'compute')!.name;
    console.log(`\n4. interrupt a deploy of ${interrupted}`);
    // The stack's own tag, and the name prefix its resources carry (the ASG takes no default tags).
    const hall = planStacks(config).find((p) => p.name === interrupted);
    const markersOf = [
      interrupted,
      `${ENVIRONMENT}-${hall?.layer === 'compute' ? `${hall.cluster.id}-${hall.hall.id}` : ''}-su-`,
    ];
    const expected = leftovers(await inventory(), markersOf);
    const destroyed = await terraform(interrupted, ['destroy', '-auto-approve', '-input=false', '-no-color']);
    expect(destroyed.code === 0, `could not destroy ${interrupted} before the interrupt test:\n${tail(destroyed)}`);
    // Interrupted (SIGINT, as Ctrl-C) on the first completed create, as its output streams.
    let child: ChildProcess | undefined;
    let createdBefore = 0;
    const run4 = await terraform(interrupted, ['apply', '-auto-approve', '-input=false', '-no-color'], {
      env,
      onSpawn: (started) => (child = started),
      onLine: (line, stream) => {
        if (stream !== 'stdout' || !/Creation complete after/.test(line)) return;
        createdBefore += 1;
        if (child && !child.killed) child.kill('SIGINT');
      },
    });
    const interruptedCode = run4.code;
    const output = `${run4.stdoutTail}\n${run4.stderrTail}`;
    const partial = leftovers(await inventory(), markersOf);
    expect(
      interruptedCode !== 0,
      `the interrupted deploy exited 0; it finished before the interrupt:\n${output.slice(-2000)}`,
    );
    expect(!(await lockExists(interrupted)), 'the interrupted deploy left its lock behind');
    // What the operator does (README, "After an interrupted deploy"): a create the provider
    // had sent when it stopped may exist without being in state; adopt it by name.
    const resources = declared(interrupted);
    const pulled = await readState(interrupted);
    const recorded = stateAddresses(pulled);
    const now = await inventory();
    const adopted = [
      ...orphans(resources, recorded, now),
      ...ruleOrphans(synthesizedStack(interrupted), pulled as StateWithAttributes, now),
    ];
    for (const orphan of adopted) {
      const imported = await terraform(interrupted, [
        'import',
        '-input=false',
        '-no-color',
        orphan.address,
        orphan.importId,
      ]);
      expect(imported.code === 0, `terraform import ${orphan.address} ${orphan.importId} failed:\n${tail(imported)}`);
    }
    const again = await terraform(interrupted, ['apply', '-auto-approve', '-input=false', '-no-color']);
    expect(again.code === 0, `deploying again after the interrupt failed:\n${tail(again)}`);
    // Nothing lost: every declared resource is in state. Nothing duplicated: one of each name in moto.
    const finalState = stateAddresses(await readState(interrupted)).sort();
    const want = resources.map((r) => r.address).sort();
    expect(
      JSON.stringify(finalState) === JSON.stringify(want),
      `state of ${interrupted} after converging: ${JSON.stringify(finalState)}, declared: ${JSON.stringify(want)}`,
    );
    const counts = namedCounts(resources, await inventory());
    const notOne = Object.entries(counts).filter(([, n]) => n !== 1);
    expect(notOne.length === 0, `the emulator holds these named resources other than once: ${JSON.stringify(notOne)}`);
    const converged = leftovers(await inventory(), markersOf);
    expect(
      JSON.stringify(converged) === JSON.stringify(expected),
      `after the interrupt and a second deploy the emulator holds ${JSON.stringify(converged)}, not ${JSON.stringify(expected)}`,
    );
    expect((await planIsEmpty(interrupted)).code === 0, `${interrupted} has changes after converging`);
    faults.push(
      `SIGINT to terraform apply of ${interrupted} after ${createdBefore} resource(s) were created: exit ${interruptedCode}, ` +
        `${recorded.length} of ${resources.length} resources in state, emulator held ${JSON.stringify(partial)}, lock released; ` +
        `orphans (in the emulator, not in state) adopted with terraform import: ${adopted.length ? adopted.map((o) => `${o.address} = ${o.importId}`).join(', ') : 'none'}; ` +
        `the next apply converged: all ${want.length} declared resources in state, each of the ${Object.keys(counts).length} named ones once in the emulator, ` +
        `${JSON.stringify(converged)} as after the first deploy, plan empty`,
    );
    console.log(`  ${faults.at(-1)}`);
  } catch (error) {
    if (!(error instanceof DeployTestFailure)) throw error;
    failures.push(`interrupt: ${error.message}`);
    faults.push(
      `interrupted deploy: FAILED to converge: ${error.message.split('\n').find((l) => /Error:/.test(l)) ?? error.message}`,
    );
    console.log(`  ${faults.at(-1)}`);
  }

  // 5. Destroy everything, the bootstrap stack last, then look for anything of ours.
  console.log('\n5. destroy');
  await timed('destroy (all stacks)', figures, async () => {
    // Downstream first, a wave at a time and two stacks at once (most of a destroy is Terraform
    // starting the provider and waiting on the emulator); the bootstrap stack only once the bucket is empty.
    const manifest = JSON.parse(readFileSync(join(OUTDIR, 'manifest.json'), 'utf8')) as {
      stacks: Record<string, { dependencies?: string[] }>;
    };
    const dependencies = new Map(
      stacks
        .filter((s) => s !== bootstrap)
        .map((s) => [s, (manifest.stacks[s]?.dependencies ?? []).filter((d) => d !== bootstrap)] as const),
    );
    for (const wave of destroyWaves(dependencies)) {
      const outcomes = await mapLimit(wave, 2, (stack) => destroyStack(stack));
      wave.forEach((stack, i) => {
        console.log(`  ${stack}: ${outcomes[i]}`);
        if (outcomes[i] !== 'destroyed') faults.push(`destroy of ${stack}: ${outcomes[i]}`);
      });
    }
    // The state bucket is versioned and protected from force-destroy: empty it on purpose.
    const emptied = emptyEmulatorBucket(endpoint, config.environment.region, backend.bucket);
    console.log(`  ${backend.bucket}: ${emptied} object versions and delete markers deleted`);
    // Alone: the stacks that read the bucket are gone already.
    const last = await cdktf([
      'destroy',
      bootstrap,
      '--auto-approve',
      '--skip-provider-lock',
      '--ignore-missing-stack-dependencies',
    ]);
    expect(last.code === 0, `destroying ${bootstrap} failed:\n${tail(last)}`);
  });
  const left = leftovers(await inventory());
  if (Object.keys(left).length > 0)
    failures.push(`the emulator still holds resources of ours: ${JSON.stringify(left)}`);
  expect(failures.length === 0, failures.join('\n'));
  console.log('  the emulator holds nothing of ours (KMS keys pending deletion and terminated instances aside)');
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`\ndeploy test FAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
