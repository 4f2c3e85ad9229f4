import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdktf';
import { parse, stringify } from 'yaml';
import { ConfigError, parseConfig } from '../../config/load';
import { environmentJsonSchema } from '../../config/json-schema';
import { FREE_TEXT_FIELDS, escapeTerraformTemplate } from '../../config/terraform-literal';
import { buildStacks } from '../../stacks/build';
import { run, terraformBinary, terraformEnv, terraformSetup } from '../../tools/terraform';

/**
 * Issue 10, "no interpolation from config": Terraform evaluates ${...} and %{...} in every
 * string of its JSON. Config text must reach the JSON escaped, so that Terraform prints it
 * rather than running it; or be refused where it has no business.
 */

// If Terraform evaluated these, the plan would show "ABC" and "yes".
const INTERPOLATION = '${upper("abc")}';
const DIRECTIVE = '%{ if true }yes%{ endif }';
const HOSTILE = `Lab ${INTERPOLATION} ${DIRECTIVE}`;

const devText = readFileSync(join(__dirname, '..', '..', 'config', 'environments', 'dev.yaml'), 'utf8');
type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- arbitrary YAML under test

function devWith(edit: (doc: Doc) => void): string {
  const doc = parse(devText) as Doc;
  edit(doc);
  return stringify(doc);
}

const SAMPLES = ['${x}', 'a/${x}', '/${x}', '%{x}', 'a/%{x}', '/%{x}'];

/**
 * Paths of string fields that can hold "${" or "%{" per the editor schema: no enum or format,
 * and no pattern, or a pattern that lets a sequence through. Tag values, ids and names have
 * patterns that refuse both.
 */
function freeTextFields(): string[] {
  const found: string[] = [];
  const walk = (node: Record<string, unknown>, path: string) => {
    const pattern = typeof node.pattern === 'string' ? new RegExp(node.pattern, 'u') : undefined;
    const open = !pattern || SAMPLES.some((sample) => pattern.test(sample));
    if (node.type === 'string' && open && !node.enum && !node.format && node.const === undefined) found.push(path);
    for (const [key, child] of Object.entries((node.properties as Record<string, Record<string, unknown>>) ?? {})) {
      walk(child, path ? `${path}.${key}` : key);
    }
    if (node.items) walk(node.items as Record<string, unknown>, `${path}[]`);
    if (node.additionalProperties && typeof node.additionalProperties === 'object') {
      walk(node.additionalProperties as Record<string, unknown>, `${path}.*`);
    }
    for (const choice of [...((node.anyOf as unknown[]) ?? []), ...((node.oneOf as unknown[]) ?? [])]) {
      walk(choice as Record<string, unknown>, path);
    }
  };
  walk(JSON.parse(environmentJsonSchema()) as Record<string, unknown>, '');
  return [...new Set(found)].sort();
}

describe('config text in the Terraform JSON', () => {
  it('knows every free-text field of the schema (a new one must be escaped or kept out of Terraform)', () => {
    expect(freeTextFields()).toEqual([...FREE_TEXT_FIELDS.escaped, ...FREE_TEXT_FIELDS.notInTerraform].sort());
  });

  it('escapes both sequences once, and keeps an already doubled one literal', () => {
    expect(escapeTerraformTemplate(HOSTILE)).toBe('Lab $${upper("abc")} %%{ if true }yes%%{ endif }');
    expect(escapeTerraformTemplate('$${x}')).toBe('$$${x}');
    expect(escapeTerraformTemplate('$ { % {')).toBe('$ { % {');
  });

  it('refuses both sequences in tag values: AWS allows no $, %, { or } in tags', () => {
    for (const value of [INTERPOLATION, DIRECTIVE]) {
      let problems: readonly string[] = [];
      try {
        parseConfig(
          devWith((doc) => (doc.environment.tags['cost-center'] = value)),
          'test.yaml',
        );
      } catch (error) {
        if (error instanceof ConfigError) problems = error.problems;
      }
      expect(problems).toEqual([
        expect.stringMatching(/^environment\.tags\.cost-center: must hold only letters, digits, spaces/),
      ]);
    }
  });

  it('keeps a suppression reason out of the Terraform JSON', () => {
    const config = parseConfig(
      devWith((doc) => {
        doc.compliance = {
          suppressions: [
            {
              rule: 'CLX-MON-001',
              path: 'dev-colossus-1-network/cluster-network/flow-log',
              reason: `reviewed by hand ${HOSTILE}`,
            },
          ],
        };
      }),
      'test.yaml',
    );
    const app = Testing.app();
    const stacks = buildStacks(app, config, { kind: 'offline' });
    for (const stack of stacks) expect(Testing.synth(stack)).not.toContain('reviewed by hand');
  });

  describe('a display name full of Terraform templates, through terraform validate and an offline plan', () => {
    let dir: string;
    let stackDir: string;
    const env = terraformEnv();
    const tf = terraformBinary(env);
    const STACK = 'dev-colossus-1-tenancy';

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'colossus-inject-'));
      const config = parseConfig(
        devWith((doc) => (doc.clusters[0].tenants[0].displayName = HOSTILE)),
        'test.yaml',
      );
      const stack = buildStacks(Testing.app(), config, { kind: 'offline' }).find((s) => s.node.id === STACK)!;
      // The default layout of a synth (cdktf.out/<env>/stacks/<stack>, state in <project>/.state),
      // seeded empty as `npm run plan` does.
      stackDir = join(dir, 'cdktf.out', 'dev', 'stacks', STACK);
      mkdirSync(stackDir, { recursive: true });
      writeFileSync(join(stackDir, 'cdk.tf.json'), Testing.synth(stack));
      const { version } = await terraformSetup(env);
      const empty = {
        version: 4,
        terraform_version: version,
        serial: 0,
        lineage: 'colossus-test',
        outputs: {},
        resources: [],
      };
      mkdirSync(join(dir, '.state', 'offline', 'dev'), { recursive: true });
      writeFileSync(join(dir, '.state', 'offline', 'dev', 'dev-colossus-1-network.tfstate'), JSON.stringify(empty));
    }, 120_000);

    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('writes the sequences escaped into the JSON', () => {
      const json = readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8');
      expect(json).toContain('Lab $${upper(\\"abc\\")} %%{ if true }yes%%{ endif }');
    });

    it('passes terraform validate, and the plan holds the text literally', async () => {
      const init = await run(tf, ['init', '-input=false', '-no-color', '-backend=false'], { cwd: stackDir, env });
      expect(init.stderrTail).toBe('');
      const validate = await run(tf, ['validate', '-no-color'], { cwd: stackDir, env });
      expect(validate.stdoutTail + validate.stderrTail).toContain('Success! The configuration is valid.');

      const reinit = await run(tf, ['init', '-input=false', '-no-color'], { cwd: stackDir, env });
      expect(reinit.code).toBe(0);
      const plan = await run(
        tf,
        ['plan', '-input=false', '-no-color', '-lock=false', '-refresh=false', '-out=plan.bin'],
        {
          cwd: stackDir,
          env,
        },
      );
      expect(plan.stderrTail).toBe('');
      // The plan JSON is streamed to a file, as the plan tool does, and read from there.
      const showFile = join(dir, 'show.json');
      const show = await run(tf, ['show', '-json', 'plan.bin'], { cwd: stackDir, env, stdout: showFile });
      expect(show.code).toBe(0);
      const shown = readFileSync(showFile, 'utf8');
      const planned = JSON.parse(shown) as {
        planned_values: { root_module: { resources: { type: string; values: { description?: string } }[] } };
      };
      const descriptions = planned.planned_values.root_module.resources
        .filter((r) => r.type === 'aws_kms_key')
        .map((r) => r.values.description);
      expect(descriptions).toContain(`Encrypts the data of tenant lab-alpha (${HOSTILE})`);
      expect(shown).not.toContain('Lab ABC');
      expect(shown).not.toMatch(/Lab \S* yes/);
    }, 240_000);
  });
});
