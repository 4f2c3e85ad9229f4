import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Command } from 'commander';
import { captureSync } from './run';
import { PROJECT_ROOT } from './terraform';

/**
 * The local AWS emulator the deploy test runs against: moto in server mode, pinned, in a
 * project virtual environment. Confirm a new pin against the gaps listed in the README.
 */
export const MOTO_VERSION = '5.2.5';
export const MOTO_REQUIREMENT = `moto[server]==${MOTO_VERSION}`;
export const VENV_DIR = join(PROJECT_ROOT, '.venv-moto');
const LOG_DIR = join(PROJECT_ROOT, '.cache', 'emulator');

const venvBin = (name: string): string => join(VENV_DIR, 'bin', name);

function python(): string {
  return process.env.COLOSSUS_PYTHON ?? 'python3';
}

function installedMotoVersion(): string | undefined {
  if (!existsSync(venvBin('python'))) return undefined;
  const probe = captureSync(venvBin('python'), ['-c', 'import moto; print(moto.__version__)'], { maxBytes: 4096 });
  return probe.code === 0 ? probe.stdout.trim() : undefined;
}

/** Creates the virtual environment and installs the pinned moto, unless it is there already. */
export function installEmulator(log: (line: string) => void = () => {}): void {
  if (installedMotoVersion() === MOTO_VERSION) return;
  const steps: [string, string[]][] = [
    [python(), ['-m', 'venv', VENV_DIR]],
    [venvBin('python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', MOTO_REQUIREMENT]],
  ];
  for (const [command, args] of steps) {
    log(`$ ${[command, ...args].join(' ')}`);
    const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    if (result.status !== 0) {
      throw new Error(`installing ${MOTO_REQUIREMENT} failed: ${command} exited with ${result.status ?? result.error}`);
    }
  }
  const version = installedMotoVersion();
  if (version !== MOTO_VERSION) throw new Error(`expected moto ${MOTO_VERSION} in ${VENV_DIR}, found ${version}`);
}

/** A free TCP port on the loopback interface, as the kernel hands it out. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === 'object' ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface Emulator {
  readonly endpoint: string;
  readonly pid: number;
  readonly log: string;
  /** Stops the server and waits for it to exit. */
  stop(): Promise<void>;
}

async function waitUntilUp(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode} before it answered`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`moto_server did not answer at ${endpoint} within ${timeoutMs / 1000} s`);
}

/** Starts moto_server on a free loopback port (never on other interfaces) and waits for it. */
export async function startEmulator(options: { port?: number; timeoutMs?: number } = {}): Promise<Emulator> {
  if (!existsSync(venvBin('moto_server'))) {
    throw new Error(`moto is not installed in ${VENV_DIR}: run \`npx tsx tools/emulator.ts install\``);
  }
  const port = options.port ?? (await freeLoopbackPort());
  const endpoint = `http://127.0.0.1:${port}`;
  mkdirSync(LOG_DIR, { recursive: true });
  const log = join(LOG_DIR, `moto-${port}.log`);
  const out = openSync(log, 'a');
  const child = spawn(venvBin('moto_server'), ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', out, out],
    // Fake credentials only: moto must never see a real key from the caller's environment.
    env: { PATH: process.env.PATH ?? '', AWS_ACCESS_KEY_ID: 'emulator', AWS_SECRET_ACCESS_KEY: 'emulator' },
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    await waitUntilUp(endpoint, child, options.timeoutMs ?? 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, pid: child.pid ?? -1, log, stop };
}

/**
 * Lists what the emulator holds now, through the AWS APIs (boto3, installed with moto), by
 * service and kind: { ec2: { VPC: [{ name, id, ...the API's own fields }] } }. moto's model
 * dump (/moto-api/data.json) is no inventory: it keeps every object ever created, deleted ones too.
 */
const INVENTORY_SCRIPT = String.raw`
import json, sys, boto3
endpoint, region = sys.argv[1], sys.argv[2]
def client(service):
    return boto3.client(service, endpoint_url=endpoint, region_name=region,
                        aws_access_key_id='emulator', aws_secret_access_key='emulator')
out = {}
def put(service, kind, items, name, ident):
    out.setdefault(service, {})[kind] = [dict(i, name=name(i), id=ident(i)) for i in items]
def tag(tags, key='Name'):
    return next((t.get('Value') for t in tags or [] if t.get('Key') == key), None)
ec2 = client('ec2')
for kind, call, field, ident in [
    ('VPC', 'describe_vpcs', 'Vpcs', 'VpcId'),
    ('Subnet', 'describe_subnets', 'Subnets', 'SubnetId'),
    ('RouteTable', 'describe_route_tables', 'RouteTables', 'RouteTableId'),
    ('NetworkAcl', 'describe_network_acls', 'NetworkAcls', 'NetworkAclId'),
    ('InternetGateway', 'describe_internet_gateways', 'InternetGateways', 'InternetGatewayId'),
    ('VPCEndPoint', 'describe_vpc_endpoints', 'VpcEndpoints', 'VpcEndpointId'),
    ('FlowLogs', 'describe_flow_logs', 'FlowLogs', 'FlowLogId'),
    ('SecurityGroupRule', 'describe_security_group_rules', 'SecurityGroupRules', 'SecurityGroupRuleId'),
    ('TransitGateway', 'describe_transit_gateways', 'TransitGateways', 'TransitGatewayId'),
    ('TransitGatewayRouteTable', 'describe_transit_gateway_route_tables', 'TransitGatewayRouteTables', 'TransitGatewayRouteTableId'),
]:
    put('ec2', kind, getattr(ec2, call)()[field], lambda i: tag(i.get('Tags')), lambda i, k=ident: i[k])
put('ec2', 'SecurityGroup', ec2.describe_security_groups()['SecurityGroups'], lambda i: i['GroupName'], lambda i: i['GroupId'])
put('ec2', 'LaunchTemplate', ec2.describe_launch_templates()['LaunchTemplates'],
    lambda i: i['LaunchTemplateName'], lambda i: i['LaunchTemplateId'])
put('ec2', 'Instance', [i for r in ec2.describe_instances()['Reservations'] for i in r['Instances']],
    lambda i: tag(i.get('Tags')), lambda i: i['InstanceId'])
# moto keeps no tags on attachments (gap tgw-attachment-tags): they carry their gateway's.
gateways = {g['TransitGatewayId']: g.get('Tags', []) for g in ec2.describe_transit_gateways()['TransitGateways']}
put('ec2', 'TransitGatewayVpcAttachment',
    [dict(a, GatewayTags=gateways.get(a['TransitGatewayId'], [])) for a in ec2.describe_transit_gateway_vpc_attachments()['TransitGatewayVpcAttachments']],
    lambda i: tag(i.get('Tags')), lambda i: i['TransitGatewayAttachmentId'])
asg = client('autoscaling')
put('autoscaling', 'AutoScalingGroup', asg.describe_auto_scaling_groups()['AutoScalingGroups'],
    lambda i: i['AutoScalingGroupName'], lambda i: i['AutoScalingGroupName'])
cw = client('cloudwatch')
alarms = cw.describe_alarms()
put('cloudwatch', 'Alarm', alarms['MetricAlarms'] + alarms.get('CompositeAlarms', []), lambda i: i['AlarmName'], lambda i: i['AlarmArn'])
put('cloudwatch', 'Dashboard', cw.list_dashboards()['DashboardEntries'], lambda i: i['DashboardName'], lambda i: i['DashboardArn'])
put('logs', 'LogGroup', client('logs').describe_log_groups()['logGroups'], lambda i: i['logGroupName'], lambda i: i['logGroupName'])
iam = client('iam')
put('iam', 'Role', iam.list_roles()['Roles'], lambda i: i['RoleName'], lambda i: i['Arn'])
put('iam', 'ManagedPolicy', iam.list_policies(Scope='Local')['Policies'], lambda i: i['PolicyName'], lambda i: i['Arn'])
put('iam', 'InstanceProfile', iam.list_instance_profiles()['InstanceProfiles'], lambda i: i['InstanceProfileName'], lambda i: i['Arn'])
kms = client('kms')
keys = []
for k in kms.list_keys()['Keys']:
    meta = kms.describe_key(KeyId=k['KeyId'])['KeyMetadata']
    meta['Tags'] = kms.list_resource_tags(KeyId=k['KeyId']).get('Tags', [])
    keys.append(meta)
put('kms', 'Key', keys, lambda i: i.get('Description'), lambda i: i['KeyId'])
put('kms', 'Alias', [a for a in kms.list_aliases()['Aliases'] if not a['AliasName'].startswith('alias/aws/')],
    lambda i: i['AliasName'], lambda i: i['AliasName'])
s3 = client('s3')
buckets = []
for b in s3.list_buckets()['Buckets']:
    try:
        b['Tags'] = s3.get_bucket_tagging(Bucket=b['Name'])['TagSet']
    except Exception:
        b['Tags'] = []
    buckets.append(b)
put('s3', 'Bucket', buckets, lambda i: i['Name'], lambda i: i['Name'])
sns = client('sns')
topics = []
for t in sns.list_topics()['Topics']:
    t['Tags'] = sns.list_tags_for_resource(ResourceArn=t['TopicArn']).get('Tags', [])
    topics.append(t)
put('sns', 'Topic', topics, lambda i: i['TopicArn'].split(':')[-1], lambda i: i['TopicArn'])
print(json.dumps(out, default=str))
`;

/** What the emulator at `endpoint` holds now, by service and kind (see INVENTORY_SCRIPT). */
export function emulatorInventory(endpoint: string, region: string): Record<string, Record<string, unknown[]>> {
  // The inventory is parsed whole, so it is capped: a test emulator holds a few MB at most.
  const result = captureSync(venvBin('python'), ['-c', INVENTORY_SCRIPT, endpoint, region], {
    maxBytes: 64 * 1024 * 1024,
    env: { PATH: process.env.PATH ?? '' },
  });
  if (result.code !== 0) throw new Error(`listing the emulator's resources failed:\n${result.stderrTail}`);
  return JSON.parse(result.stdout) as Record<string, Record<string, unknown[]>>;
}

/** Deletes every object version and delete marker of a bucket in the emulator (boto3, signed requests). */
export function emptyEmulatorBucket(endpoint: string, region: string, bucket: string): number {
  const script = String.raw`
import sys, boto3
endpoint, region, bucket = sys.argv[1:4]
s3 = boto3.client('s3', endpoint_url=endpoint, region_name=region,
                  aws_access_key_id='emulator', aws_secret_access_key='emulator')
deleted = 0
for page in s3.get_paginator('list_object_versions').paginate(Bucket=bucket):
    for v in page.get('Versions', []) + page.get('DeleteMarkers', []):
        s3.delete_object(Bucket=bucket, Key=v['Key'], VersionId=v['VersionId'])
        deleted += 1
print(deleted)
`;
  const result = captureSync(venvBin('python'), ['-c', script, endpoint, region, bucket], {
    maxBytes: 1024,
    env: { PATH: process.env.PATH ?? '' },
  });
  if (result.code !== 0) throw new Error(`emptying ${bucket} in the emulator failed:\n${result.stderrTail}`);
  return Number(result.stdout.trim());
}

/** Forgets everything the emulator holds, as if it had just started. */
export async function resetEmulator(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`resetting the emulator failed: HTTP ${response.status}`);
}

if (require.main === module) {
  const program = new Command('emulator').description(`moto ${MOTO_VERSION} in ${VENV_DIR}`);
  program
    .command('install')
    .description(`install ${MOTO_REQUIREMENT} into the project virtual environment`)
    .action(() => installEmulator((line) => console.log(line)));
  program
    .command('run')
    .description('start the emulator, run a command with COLOSSUS_EMULATOR_ENDPOINT set, stop the emulator')
    .argument('<command...>')
    .action(async (command: string[]) => {
      installEmulator((line) => console.log(line));
      const emulator = await startEmulator();
      console.log(`emulator: moto ${MOTO_VERSION} at ${emulator.endpoint} (pid ${emulator.pid}, log ${emulator.log})`);
      const [cmd, ...args] = command as [string, ...string[]];
      const result = spawnSync(cmd, args, {
        stdio: 'inherit',
        env: { ...process.env, COLOSSUS_TARGET: 'emulator', COLOSSUS_EMULATOR_ENDPOINT: emulator.endpoint },
      });
      await emulator.stop();
      process.exitCode = result.status ?? 1;
    });
  program.parseAsync().catch((error: unknown) => {
    console.error(`emulator: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
