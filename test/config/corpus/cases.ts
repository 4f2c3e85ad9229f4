import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';

/**
 * The bad-input corpus (issue 10): environment files and settings that operators and
 * attackers would feed to `npm run synth`. Each case says what the file (or the variables)
 * hold and what the error must name: the field path and the rule. The runner beside it
 * (corpus.test.ts) also asserts the exit code, that no stack trace is printed and that the
 * previous synth output is untouched.
 */

// Plain YAML shapes, edited as a user would edit the file.
type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- arbitrary YAML under test

const ROOT = join(__dirname, '..', '..', '..');
const devText = readFileSync(join(ROOT, 'config', 'environments', 'dev.yaml'), 'utf8');

export type CaseInput =
  /** dev.yaml, changed by edit. */
  | { readonly kind: 'edit'; readonly edit: (doc: Doc) => void }
  /** Exactly these bytes (or this text, as UTF-8). */
  | { readonly kind: 'raw'; readonly bytes: Buffer | string }
  /** COLOSSUS_CONFIG names a folder. */
  | { readonly kind: 'folder' }
  /** No file written; the variables in env say everything. */
  | { readonly kind: 'none' };

export interface BadInputCase {
  readonly name: string;
  readonly input: CaseInput;
  /** Variables beside COLOSSUS_CONFIG (which points at the written file unless set here). */
  readonly env?: Readonly<Record<string, string>>;
  /** The field path, exactly as the message prints it. */
  readonly field: string;
  /** The rule the message must state. */
  readonly rule: RegExp;
  /** What the message names as the source; the written file's name unless set. */
  readonly source?: string;
}

export function renderInput(input: CaseInput): Buffer | undefined {
  switch (input.kind) {
    case 'edit': {
      const doc = parse(devText) as Doc;
      input.edit(doc);
      return Buffer.from(stringify(doc));
    }
    case 'raw':
      return typeof input.bytes === 'string' ? Buffer.from(input.bytes) : input.bytes;
    default:
      return undefined;
  }
}

const edit = (fn: (doc: Doc) => void): CaseInput => ({ kind: 'edit', edit: fn });
const raw = (bytes: Buffer | string): CaseInput => ({ kind: 'raw', bytes });
const c1 = (doc: Doc): Doc => doc.clusters[0];
const c2 = (doc: Doc): Doc => doc.clusters[1];
const T1 = 'clusters[colossus-1].tenants[lab-alpha]';
const H1 = 'clusters[colossus-1].halls[hall-a]';

/** An S3 backend, so the environment has a bootstrap stack and a state bucket. */
function s3Backend(doc: Doc, bucket: string): void {
  doc.environment.backend = { type: 's3', bucket, region: 'us-east-1', keyPrefix: 'colossus-infra/dev' };
}

/** Makes colossus-1's hall hold `units` SUs with power, cooling and addresses to match. */
function bigHall(doc: Doc, units: number, fabricCidr: string): void {
  c1(doc).halls[0].scalableUnits = units;
  c1(doc).halls[0].fabricCidr = fabricCidr;
  c1(doc).power.rackKw = 0.5;
}

const aliasBomb = [
  'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  'environment: *f',
].join('\n');

function utf16(text: string, order: 'le' | 'be', bom: boolean): Buffer {
  const le = Buffer.from(text, 'utf16le');
  const body = order === 'le' ? le : Buffer.from(le).swap16();
  const mark = order === 'le' ? [0xff, 0xfe] : [0xfe, 0xff];
  return bom ? Buffer.concat([Buffer.from(mark), body]) : body;
}

/** Deterministic junk with NUL bytes, like a binary dropped in by mistake. */
function junk(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let x = 12345;
  for (let i = 0; i < length; i += 1) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    bytes[i] = x % 256;
  }
  return bytes;
}

function nested(depth: number): string {
  let text = 'environment:\n';
  for (let i = 0; i < depth; i += 1) text += `${'  '.repeat(i + 1)}k${i}:\n`;
  return `${text}${'  '.repeat(depth + 1)}leaf: 1\n`;
}

export const FAMILIES: Readonly<Record<string, readonly BadInputCase[]>> = {
  'hostile-files': [
    { name: 'YAML alias bomb', input: raw(aliasBomb), field: '(root)', rule: /alias expansion limit/ },
    {
      name: 'huge file (300 KB)',
      input: raw(`${devText}\n# ${'x'.repeat(300_000)}\n`),
      field: '(root)',
      rule: /config size limit/,
    },
    {
      name: 'too many lines',
      input: raw(`${devText}${'#\n'.repeat(12_000)}`),
      field: '(root)',
      rule: /config line limit/,
    },
    {
      name: '40,000 unknown keys',
      input: raw(`${devText}\n${Array.from({ length: 40_000 }, (_, i) => `k${i}: 1`).join('\n')}\n`),
      field: '(root)',
      rule: /config size limit|config key-count limit/,
    },
    {
      name: '6,000 unknown keys in one flow mapping',
      input: raw(`environment: {${Array.from({ length: 6_000 }, (_, i) => `k${i}: 1`).join(', ')}}\n`),
      field: 'environment',
      rule: /config key-count limit/,
    },
    {
      name: 'deep flow nesting',
      input: raw(`environment: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`),
      field: '(root)',
      rule: /nesting limit/,
    },
    { name: 'deep block nesting', input: raw(nested(40)), field: 'environment.k0.k1', rule: /config nesting limit/ },
    {
      name: '__proto__ as a tag key',
      input: raw(devText.replace('    cost-center: colossus-dev', '    __proto__: x')),
      field: 'environment.tags.__proto__',
      rule: /no JavaScript prototype keys/,
    },
    {
      name: 'constructor as a key',
      input: raw(devText.replace('  owner: platform-infra', '  owner: platform-infra\n  constructor: x')),
      field: 'environment.constructor',
      rule: /no JavaScript prototype keys/,
    },
    {
      name: 'prototype as a key',
      input: raw(`${devText}prototype: {}\n`),
      field: 'prototype',
      rule: /no JavaScript prototype keys/,
    },
    { name: 'binary junk', input: raw(junk(4096)), field: '(root)', rule: /NUL byte|UTF-8 only/ },
    {
      name: 'invalid UTF-8',
      input: raw(Buffer.concat([Buffer.from('environment:\n  name: d'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')])),
      field: '(root)',
      rule: /not valid UTF-8/,
    },
    {
      name: 'UTF-16 LE with BOM',
      input: raw(utf16(devText, 'le', true)),
      field: '(root)',
      rule: /UTF-16 \(byte order mark\)/,
    },
    {
      name: 'UTF-16 BE with BOM',
      input: raw(utf16(devText, 'be', true)),
      field: '(root)',
      rule: /UTF-16 \(byte order mark\)/,
    },
    {
      name: 'UTF-16 LE without BOM',
      input: raw(utf16(devText, 'le', false)),
      field: '(root)',
      rule: /UTF-16 without a byte order mark/,
    },
    {
      name: 'duplicate key',
      input: raw(devText.replace('  region: us-east-1\n', '  region: us-east-1\n  region: us-west-2\n')),
      field: 'environment.region',
      rule: /keys are unique in a mapping/,
    },
    {
      name: 'malformed YAML',
      input: raw('environment: [\n'),
      field: 'malformed YAML at line',
      rule: /must be sufficiently indented|Flow sequence/,
    },
    { name: 'a list, not a mapping', input: raw('- environment\n'), field: '(root)', rule: /must hold a mapping/ },
    { name: 'empty file', input: raw(''), field: '(root)', rule: /must hold a mapping/ },
  ],
  settings: [
    {
      name: 'path traversal in COLOSSUS_ENV',
      input: { kind: 'none' },
      env: { COLOSSUS_ENV: '../../etc/passwd' },
      field: 'COLOSSUS_ENV',
      rule: /lowercase letters, digits and hyphens \(no paths\)/,
      source: 'COLOSSUS_ENV',
    },
    {
      name: 'COLOSSUS_ENV of ..',
      input: { kind: 'none' },
      env: { COLOSSUS_ENV: '..' },
      field: 'COLOSSUS_ENV',
      rule: /no paths/,
      source: 'COLOSSUS_ENV',
    },
    {
      name: 'COLOSSUS_ENV with a slash',
      input: { kind: 'none' },
      env: { COLOSSUS_ENV: 'dev/../prod' },
      field: 'COLOSSUS_ENV',
      rule: /no paths/,
      source: 'COLOSSUS_ENV',
    },
    {
      name: 'COLOSSUS_ENV in capitals',
      input: { kind: 'none' },
      env: { COLOSSUS_ENV: 'DEV' },
      field: 'COLOSSUS_ENV',
      rule: /lowercase/,
      source: 'COLOSSUS_ENV',
    },
    {
      name: 'empty COLOSSUS_ENV',
      input: { kind: 'none' },
      env: { COLOSSUS_ENV: '' },
      field: 'COLOSSUS_ENV',
      rule: /set but empty/,
      source: 'COLOSSUS_ENV',
    },
    {
      name: 'whitespace COLOSSUS_ENV',
      input: { kind: 'none' },
      env: { COLOSSUS_ENV: '  ' },
      field: 'COLOSSUS_ENV',
      rule: /set but empty/,
      source: 'COLOSSUS_ENV',
    },
    {
      name: 'empty COLOSSUS_CONFIG',
      input: { kind: 'none' },
      env: { COLOSSUS_CONFIG: '' },
      field: 'COLOSSUS_CONFIG',
      rule: /set but empty/,
      source: 'COLOSSUS_CONFIG',
    },
    {
      name: 'whitespace COLOSSUS_CONFIG',
      input: { kind: 'none' },
      env: { COLOSSUS_CONFIG: ' \t' },
      field: 'COLOSSUS_CONFIG',
      rule: /set but empty/,
      source: 'COLOSSUS_CONFIG',
    },
    {
      name: 'unknown environment',
      input: { kind: 'none' },
      env: { COLOSSUS_ENV: 'qa' },
      field: 'environment file not found',
      rule: /available: dev/,
      source: 'qa.yaml',
    },
    {
      name: 'COLOSSUS_CONFIG names a folder',
      input: { kind: 'folder' },
      field: 'is a folder',
      rule: /must name an environment file/,
    },
    {
      name: 'unknown target',
      input: edit(() => undefined),
      env: { COLOSSUS_TARGET: 'gcp' },
      field: 'COLOSSUS_TARGET',
      rule: /must be one of aws, offline, emulator/,
      source: 'invalid target',
    },
    {
      name: 'emulator target without endpoint',
      input: edit(() => undefined),
      env: { COLOSSUS_TARGET: 'emulator' },
      field: 'COLOSSUS_EMULATOR_ENDPOINT',
      rule: /base URL/,
      source: 'invalid target',
    },
    {
      name: 'emulator environment deployed to AWS',
      input: edit((doc) => {
        doc.environment.runsOn = 'emulator';
      }),
      field: 'environment.runsOn',
      rule: /may not be deployed to AWS/,
    },
  ],
  cidrs: [
    {
      name: 'short dotted form 10.4.0/20',
      input: edit((d) => (c1(d).tenants[0].cidr = '10.4.0/20')),
      field: `${T1}.cidr`,
      rule: /four decimal octets/,
    },
    {
      name: 'zero-padded octet 10.4.0.00/20',
      input: edit((d) => (c1(d).tenants[0].cidr = '10.4.0.00/20')),
      field: `${T1}.cidr`,
      rule: /without leading zeros/,
    },
    {
      name: 'hex octet 0xa.4.0.0/20',
      input: edit((d) => (c1(d).tenants[0].cidr = '0xa.4.0.0/20')),
      field: `${T1}.cidr`,
      rule: /four decimal octets/,
    },
    {
      name: 'prefix /33',
      input: edit((d) => (c1(d).tenants[0].cidr = '10.4.0.0/33')),
      field: `${T1}.cidr`,
      rule: /four decimal octets/,
    },
    {
      name: 'leading space',
      input: edit((d) => (c1(d).tenants[0].cidr = ' 10.4.0.0/20')),
      field: `${T1}.cidr`,
      rule: /four decimal octets/,
    },
    {
      name: 'host bits set',
      input: edit((d) => (c1(d).tenants[0].cidr = '10.4.0.1/20')),
      field: `${T1}.cidr`,
      rule: /no host bits set/,
    },
    {
      name: 'IPv6 block',
      input: edit((d) => (c1(d).tenants[0].cidr = 'fd00::/48')),
      field: `${T1}.cidr`,
      rule: /four decimal octets/,
    },
    {
      name: 'platform VPC wider than /16',
      input: edit((d) => (c1(d).addressPlan.platformCidr = '10.0.0.0/15')),
      field: 'clusters[colossus-1].addressPlan.platformCidr',
      rule: /AWS allows VPC blocks from \/16 to \/28/,
    },
    {
      name: 'tenant VPC wider than /16',
      input: edit((d) => (c1(d).tenants[0].cidr = '10.4.0.0/14')),
      field: `${T1}.cidr`,
      rule: /AWS allows VPC blocks from \/16 to \/28/,
    },
    {
      name: 'fabric block narrower than /28',
      input: edit((d) => (c1(d).halls[0].fabricCidr = '10.1.0.0/29')),
      field: `${H1}.fabricCidr`,
      rule: /AWS allows VPC blocks from \/16 to \/28/,
    },
    {
      name: 'supernets overlapping across clusters',
      input: edit((d) => (c2(d).addressPlan.supernet = '10.0.0.0/8')),
      field: 'clusters[colossus-2].addressPlan.supernet',
      rule: /cluster supernets must be disjoint/,
    },
    {
      name: 'overlapping tenant and platform blocks',
      input: edit((d) => (c1(d).tenants[0].cidr = '10.0.16.0/20')),
      field: `${T1}.cidr`,
      rule: /must not overlap shared services/,
    },
  ],
  names: [
    {
      name: 'environment name makes bucket names start with xn--',
      input: edit((d) => (d.environment.name = 'xn--dev')),
      field: `${T1}.id`,
      rule: /starts with "xn--", a prefix S3 reserves/,
    },
    {
      name: 'state bucket starting with sthree-',
      input: edit((d) => s3Backend(d, 'sthree-state')),
      field: 'environment.backend.bucket',
      rule: /prefix S3 reserves/,
    },
    {
      name: 'state bucket starting with amzn-s3-demo-',
      input: edit((d) => s3Backend(d, 'amzn-s3-demo-state')),
      field: 'environment.backend.bucket',
      rule: /prefix S3 reserves/,
    },
    {
      name: 'state bucket ending -s3alias',
      input: edit((d) => s3Backend(d, 'state-s3alias')),
      field: 'environment.backend.bucket',
      rule: /suffix S3 reserves/,
    },
    {
      name: 'state bucket ending --ol-s3',
      input: edit((d) => s3Backend(d, 'state--ol-s3')),
      field: 'environment.backend.bucket',
      rule: /suffix S3 reserves/,
    },
    {
      name: 'state bucket ending .mrap',
      input: edit((d) => s3Backend(d, 'state.mrap')),
      field: 'environment.backend.bucket',
      rule: /suffix S3 reserves/,
    },
    {
      name: 'state bucket ending --x-s3',
      input: edit((d) => s3Backend(d, 'state--x-s3')),
      field: 'environment.backend.bucket',
      rule: /suffix S3 reserves/,
    },
    {
      name: 'state bucket with adjacent periods',
      input: edit((d) => s3Backend(d, 'state..bucket')),
      field: 'environment.backend.bucket',
      rule: /two adjacent periods/,
    },
    {
      name: 'tenant flow-log role over 64 characters',
      input: edit((d) => {
        d.environment.name = 'capacity-pool-east';
        c1(d).tenants[0].id = 'frontier-lab-research-east';
      }),
      field: 'clusters[colossus-1].tenants[frontier-lab-research-east].id',
      rule: /IAM role name "capacity-pool-east-colossus-1-frontier-lab-research-east-flow-logs", which is 66 characters long; AWS allows 1-64/,
    },
    {
      name: 'tenant id unallocated',
      input: edit((d) => (c1(d).tenants[0].id = 'unallocated')),
      field: 'clusters[colossus-1].tenants[unallocated].id',
      rule: /is reserved.*spare pool/,
    },
    {
      name: 'tenant id aws',
      input: edit((d) => (c1(d).tenants[0].id = 'aws')),
      field: 'clusters[colossus-1].tenants[aws].id',
      rule: /is reserved/,
    },
    {
      name: 'tenant id network',
      input: edit((d) => (c1(d).tenants[0].id = 'network')),
      field: 'clusters[colossus-1].tenants[network].id',
      rule: /is reserved/,
    },
    {
      name: 'tenant id backend',
      input: edit((d) => (c1(d).tenants[0].id = 'backend')),
      field: 'clusters[colossus-1].tenants[backend].id',
      rule: /is reserved/,
    },
    {
      name: 'tenant id transit-hub',
      input: edit((d) => (c1(d).tenants[0].id = 'transit-hub')),
      field: 'clusters[colossus-1].tenants[transit-hub].id',
      rule: /is reserved/,
    },
    {
      name: 'feed id redundancy-lost',
      input: edit((d) => (c1(d).power.feeds[0].id = 'redundancy-lost')),
      field: 'clusters[colossus-1].power.feeds[redundancy-lost].id',
      rule: /is reserved/,
    },
    {
      name: 'tenant and hall ids that make one output name',
      input: edit((d) => {
        const cluster = c1(d);
        cluster.halls[0].id = 'aa-bb';
        cluster.halls.push({ id: 'bb', availabilityZone: 'us-east-1b', scalableUnits: 2, fabricCidr: '10.1.1.0/24' });
        cluster.power.rackKw = 50;
        for (const feed of cluster.power.feeds) feed.halls = ['aa-bb', 'bb'];
        cluster.tenants[0].id = 'lab';
        cluster.tenants[0].allocations[0].hall = 'aa-bb';
        cluster.tenants.push({
          id: 'lab-aa',
          displayName: 'Lab A',
          cidr: '10.5.0.0/20',
          allocations: [{ hall: 'bb', firstUnit: 0, scalableUnits: 1 }],
          contractedGpus: 16,
          dataClassification: 'internal',
        });
      }),
      field: 'clusters[colossus-1].tenants[lab-aa].allocations[0].hall',
      rule: /makes the tenancy output lab_aa_bb_subnet_id, as tenant lab in hall aa-bb does \(rule: construct ids are unique in a stack\)/,
    },
    {
      name: 'hall id in capitals',
      input: edit((d) => (c1(d).halls[0].id = 'Hall-A')),
      field: 'clusters[colossus-1].halls[Hall-A].id',
      rule: /lowercase letters, digits and hyphens/,
    },
  ],
  injection: [
    {
      name: 'interpolation in a tenant id',
      input: edit((d) => (c1(d).tenants[0].id = '${file("/etc/passwd")}')),
      field: 'clusters[colossus-1].tenants[${file("/etc/passwd")}].id',
      rule: /lowercase letters/,
    },
    {
      name: 'directive in an environment name',
      input: edit((d) => (d.environment.name = '%{for x in y}')),
      field: 'environment.name',
      rule: /lowercase letters/,
    },
    {
      name: 'interpolation in the owner',
      input: edit((d) => (d.environment.owner = '${path.module}')),
      field: 'environment.owner',
      rule: /lowercase letters/,
    },
    {
      name: 'interpolation in the image parameter',
      input: edit((d) => (c1(d).fabric.imageSsmParameter = '/aws/${var.x}/x86_64')),
      field: 'clusters[colossus-1].fabric.imageSsmParameter',
      rule: /SSM parameter path/,
    },
    {
      name: 'interpolation in the admin role',
      input: edit((d) => (d.environment.platformAdminRole = '${aws_iam_role.x.name}')),
      field: 'environment.platformAdminRole',
      rule: /IAM role name/,
    },
    {
      name: 'interpolation in a tag key',
      input: edit((d) => (d.environment.tags['${x}'] = 'y')),
      field: 'environment.tags.${x}',
      rule: /must be a tag key/,
    },
    {
      name: 'interpolation in a suppression path',
      input: edit(
        (d) =>
          (d.compliance = {
            suppressions: [
              { rule: 'CLX-ENC-001', path: 'dev-colossus-1-network/${x}', reason: 'a reason that is long enough' },
            ],
          }),
      ),
      field: 'compliance.suppressions[0].path',
      rule: /matches no construct/,
    },
  ],
  tags: [
    {
      name: 'aws: tag key',
      input: edit((d) => (d.environment.tags['aws:cost'] = 'x')),
      field: 'environment.tags.aws:cost',
      rule: /AWS reserves that prefix/,
    },
    {
      name: 'AWS: tag key in capitals',
      input: edit((d) => (d.environment.tags['AWS:cost'] = 'x')),
      field: 'environment.tags.AWS:cost',
      rule: /AWS reserves that prefix/,
    },
    {
      name: 'tag key of 129 characters',
      input: edit((d) => (d.environment.tags[`k${'x'.repeat(128)}`] = 'x')),
      field: `environment.tags.k${'x'.repeat(128)}`,
      rule: /must be a tag key/,
    },
    {
      name: 'tag value of 257 characters',
      input: edit((d) => (d.environment.tags['cost-center'] = 'x'.repeat(257))),
      field: 'environment.tags.cost-center',
      rule: /at most 256 characters/,
    },
    {
      name: 'tag value with a character AWS refuses',
      input: edit((d) => (d.environment.tags['cost-center'] = 'a<b>')),
      field: 'environment.tags.cost-center',
      rule: /only letters, digits, spaces/,
    },
    {
      name: '37 user tags',
      input: edit(
        (d) => (d.environment.tags = Object.fromEntries(Array.from({ length: 37 }, (_, i) => [`t${i}`, 'x']))),
      ),
      field: 'environment.tags',
      rule: /at most 36 tags: AWS allows 50 per resource/,
    },
    {
      name: 'tag key the stacks set',
      input: edit((d) => (d.environment.tags.environment = 'other')),
      field: 'environment.tags.environment',
      rule: /colossus-infra sets on every resource/,
    },
    {
      name: 'tag value not a string',
      input: edit((d) => (d.environment.tags['cost-center'] = { nested: true })),
      field: 'environment.tags.cost-center',
      rule: /expected string/,
    },
  ],
  'aws-rules': [
    {
      name: 'unknown region',
      input: edit((d) => (d.environment.region = 'us-fake-9')),
      field: 'environment.region',
      rule: /unknown AWS region "us-fake-9"/,
    },
    {
      name: 'unknown backend region',
      input: edit((d) => (s3Backend(d, 'colossus-state-dev'), (d.environment.backend.region = 'eu-nowhere-1'))),
      field: 'environment.backend.region',
      rule: /unknown AWS region/,
    },
    {
      name: 'zone that does not exist',
      input: edit((d) => (c1(d).halls[0].availabilityZone = 'us-east-1z')),
      field: `${H1}.availabilityZone`,
      rule: /not an availability zone of us-east-1/,
    },
    {
      name: 'zone in another region',
      input: edit((d) => (c1(d).halls[0].availabilityZone = 'us-west-2a')),
      field: `${H1}.availabilityZone`,
      rule: /not in the environment region/,
    },
    {
      name: 'gp3 root volume over 16 TiB',
      input: edit((d) => (c1(d).fabric.rootVolumeGiB = 16_385)),
      field: 'clusters[colossus-1].fabric.rootVolumeGiB',
      rule: /largest gp3 volume/,
    },
    {
      name: 'root volume of 0 GiB',
      input: edit((d) => (c1(d).fabric.rootVolumeGiB = 0)),
      field: 'clusters[colossus-1].fabric.rootVolumeGiB',
      rule: /Too small|expected number to be >0/,
    },
    {
      name: 'x86_64 image for an arm64 fabric',
      input: edit((d) => (c2(d).fabric.imageSsmParameter = c1(d).fabric.imageSsmParameter)),
      field: 'clusters[colossus-2].fabric.imageSsmParameter',
      rule: /x86_64 image but p6e-gb200.36xlarge is arm64/,
    },
    {
      name: 'image parameter naming no architecture',
      input: edit((d) => (c1(d).fabric.imageSsmParameter = '/colossus/gpu-image')),
      field: 'clusters[colossus-1].fabric.imageSsmParameter',
      rule: /names no CPU architecture/,
    },
    {
      name: 'loadCriticalPercent of 100',
      input: edit((d) => (c1(d).power.loadCriticalPercent = 100)),
      field: 'clusters[colossus-1].power.loadCriticalPercent',
      rule: /strictly between 0 and 100/,
    },
    {
      name: 'battery minimum charge of 100',
      input: edit((d) => (c1(d).power.battery.minStateOfChargePercent = 100)),
      field: 'clusters[colossus-1].power.battery.minStateOfChargePercent',
      rule: /strictly between 0 and 100/,
    },
    {
      name: 'unknown instance type',
      input: edit((d) => (c1(d).fabric.instanceType = 'p9.huge')),
      field: 'clusters[colossus-1].fabric.instanceType',
      rule: /unknown instance type "p9.huge"/,
    },
    {
      name: 'account id as a number',
      input: raw(devText.replace(/accountId: .*/, 'accountId: 111111111111')),
      field: 'environment.accountId',
      rule: /expected string/,
    },
  ],
  size: [
    {
      name: '100,000 SUs in a hall',
      input: edit((d) => bigHall(d, 100_000, '10.1.0.0/16')),
      field: `${H1}.fabricCidr`,
      rule: /the fabric block must fit every node/,
    },
    {
      // A hall of 1,046 resources is split (stacks/sharding.ts); a hall named like its part 2 collides.
      name: 'hall named like a split hall part',
      input: edit((d) => {
        bigHall(d, 260, '10.1.0.0/22');
        c1(d).halls.push({
          id: 'hall-a-part-2',
          availabilityZone: 'us-east-1b',
          scalableUnits: 1,
          fabricCidr: '10.2.0.0/24',
        });
        for (const feed of c1(d).power.feeds) feed.halls.push('hall-a-part-2');
      }),
      field: 'clusters[colossus-1].halls[hall-a-part-2].scalableUnits',
      rule: /stack dev-colossus-1-compute-hall-a-part-2 for compute, a name part 2 of hall hall-a already has/,
    },
    {
      name: 'tenancy stack of 15 tenants',
      input: edit((d) => {
        bigHall(d, 15, '10.1.0.0/24');
        c1(d).tenants = Array.from({ length: 15 }, (_, i) => ({
          id: `lab-${String.fromCharCode(97 + i)}x`,
          displayName: `Lab ${i}`,
          cidr: `10.4.${i * 16}.0/20`,
          allocations: [{ hall: 'hall-a', firstUnit: i, scalableUnits: 1 }],
          contractedGpus: 16,
          dataClassification: 'internal',
        }));
      }),
      field: 'clusters[colossus-1].tenants',
      rule: /stack dev-colossus-1-tenancy 1329 resources, over the limit of 1000/,
    },
    {
      name: 'more SUs allocated than the hall holds',
      input: edit((d) => (c1(d).tenants[0].allocations[0].scalableUnits = 3)),
      field: `${H1}.scalableUnits`,
      rule: /allocations must fit the hall/,
    },
  ],
  suppressions: [
    {
      name: 'typo in the stack name',
      input: edit(
        (d) =>
          (d.compliance = {
            suppressions: [
              {
                rule: 'CLX-MON-001',
                path: 'dev-colossus-1-netwrk/cluster-network/flow-log',
                reason: 'flow logs are reviewed weekly by hand',
              },
            ],
          }),
      ),
      field: 'compliance.suppressions[0].path',
      rule: /matches no construct in environment dev.*closest: dev-colossus-1-network\/cluster-network\/flow-log/,
    },
    {
      name: 'typo, expired',
      input: edit(
        (d) =>
          (d.compliance = {
            suppressions: [
              {
                rule: 'CLX-MON-001',
                path: 'dev-colossus-1-netwrk/cluster-network',
                reason: 'flow logs are reviewed weekly by hand',
                expires: '2020-01-01',
              },
            ],
          }),
      ),
      field: 'compliance.suppressions[0].path',
      rule: /matches no construct.*closest: dev-colossus-1-network\/cluster-network/,
    },
    {
      name: 'typo, unknown rule',
      input: edit(
        (d) =>
          (d.compliance = {
            suppressions: [
              {
                rule: 'CLX-XXX-999',
                path: 'dev-colossus-2-alertng/topics',
                reason: 'flow logs are reviewed weekly by hand',
              },
            ],
          }),
      ),
      field: 'compliance.suppressions[0].path',
      rule: /matches no construct.*closest: dev-colossus-2-alerting\/topics/,
    },
    {
      name: 'rule id malformed',
      input: edit(
        (d) =>
          (d.compliance = {
            suppressions: [
              { rule: 'ENC-1', path: 'dev-colossus-1-network/cluster-network', reason: 'a reason that is long enough' },
            ],
          }),
      ),
      field: 'compliance.suppressions[0].rule',
      rule: /must be one rule id/,
    },
    {
      name: 'reason too short',
      input: edit(
        (d) =>
          (d.compliance = {
            suppressions: [{ rule: 'CLX-ENC-001', path: 'dev-colossus-1-network/cluster-network', reason: 'because' }],
          }),
      ),
      field: 'compliance.suppressions[0].reason',
      rule: /at least 20 characters/,
    },
    {
      name: 'expiry not a date',
      input: edit(
        (d) =>
          (d.compliance = {
            suppressions: [
              {
                rule: 'CLX-ENC-001',
                path: 'dev-colossus-1-network/cluster-network',
                reason: 'a reason that is long enough',
                expires: 'soon',
              },
            ],
          }),
      ),
      field: 'compliance.suppressions[0].expires',
      rule: /must be a date/,
    },
    {
      name: 'whole-stack path',
      input: edit(
        (d) =>
          (d.compliance = {
            suppressions: [
              { rule: 'CLX-ENC-001', path: 'dev-colossus-1-network', reason: 'a reason that is long enough' },
            ],
          }),
      ),
      field: 'compliance.suppressions[0].path',
      rule: /construct path inside a stack/,
    },
  ],
  model: [
    {
      name: 'contracted GPUs above the allocation',
      input: edit((d) => (c1(d).tenants[0].contractedGpus = 17)),
      field: `${T1}.contractedGpus`,
      rule: /must not exceed the allocation/,
    },
    {
      name: 'SLO objective written as a percentage',
      input: edit((d) => (c1(d).tenants[0].slo = { availabilityTarget: 99.9 })),
      field: `${T1}.slo.availabilityTarget`,
      rule: /must be below 1, written as a fraction rather than a percentage \(0\.999 for 99\.9%\)/,
    },
    {
      name: 'power warn above critical',
      input: edit((d) => (c1(d).power.loadWarnPercent = 60)),
      field: 'clusters[colossus-1].power.loadWarnPercent',
      rule: /must be below the critical threshold/,
    },
    {
      name: 'cooling warn above critical',
      input: edit((d) => (c1(d).cooling.supply.warnC = 33)),
      field: 'clusters[colossus-1].cooling.supply.warnC',
      rule: /must be below the critical threshold/,
    },
    {
      name: 'duplicate hall id',
      input: edit((d) =>
        c1(d).halls.push({ ...c1(d).halls[0], availabilityZone: 'us-east-1b', fabricCidr: '10.1.1.0/24' }),
      ),
      field: 'clusters[colossus-1].halls[hall-a].id',
      rule: /duplicate hall id/,
    },
    {
      name: 'allocation in an unknown hall',
      input: edit((d) => (c1(d).tenants[0].allocations[0].hall = 'hall-z')),
      field: `${T1}.allocations[0].hall`,
      rule: /unknown hall "hall-z"/,
    },
    {
      name: 'missing environment',
      input: edit((d) => delete d.environment),
      field: 'environment',
      rule: /expected object/,
    },
    {
      name: 'misspelled field',
      input: edit((d) => (d.environment.regoin = 'us-east-1')),
      field: 'environment',
      rule: /Unrecognized key/,
    },
    {
      name: 'one feed only',
      input: edit((d) => c1(d).power.feeds.pop()),
      field: 'clusters[colossus-1].power.feeds',
      rule: /at least 2 feeds/,
    },
    {
      name: 'tenant in two clusters',
      input: edit((d) => (c2(d).tenants[0].id = 'lab-alpha')),
      field: 'clusters[colossus-2].tenants[lab-alpha].id',
      rule: /a tenant id may appear in one cluster only/,
    },
  ],
};

export const CASES: readonly (BadInputCase & { family: string })[] = Object.entries(FAMILIES).flatMap(
  ([family, cases]) => cases.map((c) => ({ ...c, family })),
);
