import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Aspects, Testing, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { ColossusError } from '../../config/errors';
import { suppressionSchema } from '../../config/schema';
import { ComplianceAspect, complianceReport, sourceLocatedPaths } from '../../policy/aspect';
import type { ReportRow } from '../../policy/model';
import { assertNoErrors, errorAnnotations } from '../../policy/gate';
import { suppress } from '../../policy/code-suppressions';
import type { Suppression } from '../../policy/suppressions';
import { DEFAULT_TAGS } from './fixtures';

const TODAY = new Date('2026-06-01T12:00:00Z');

/** A small real stack: a key that breaks rotation, and an untagged auto scaling group. */
function smallStack(aspect: ComplianceAspect, decorate?: (parts: { keyScope: Construct; key: KmsKey }) => void) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'small');
  new AwsProvider(stack, 'aws', { region: 'us-east-1', defaultTags: [{ tags: DEFAULT_TAGS }] });
  const keyScope = new Construct(stack, 'logs');
  const key = new KmsKey(keyScope, 'key', {
    enableKeyRotation: false,
    policy: '{"Statement":[]}',
    lifecycle: { preventDestroy: true },
  });
  new AutoscalingGroup(stack, 'asg', { minSize: 0, maxSize: 0 });
  decorate?.({ keyScope, key });
  Aspects.of(stack).add(aspect);
  Testing.synth(stack);
  const report = complianceReport(stack);
  if (!report) throw new Error('the aspect did not run');
  return { stack, report };
}

const statusOf = (report: ReturnType<typeof smallStack>['report'], rule: string, path: string) =>
  report.rows.filter((r) => r.rule === rule && r.path === path).map((r) => r.status);

describe('ComplianceAspect', () => {
  it('annotates every unsuppressed error finding on its construct, and the gate fails with it', () => {
    const { stack, report } = smallStack(new ComplianceAspect({ today: TODAY }));
    expect(statusOf(report, 'CLX-ENC-001', 'small/logs/key')).toEqual(['fail']);
    // Provider default tags never reach an auto scaling group: its own tag blocks are checked.
    expect(statusOf(report, 'CLX-TAG-001', 'small/asg')).toEqual(['fail']);
    expect(statusOf(report, 'CLX-TAG-001', 'small/logs/key')).toEqual(['pass']);
    const errors = errorAnnotations([stack]);
    expect(errors).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\[small\/logs\/key\] \[compliance\] CLX-ENC-001 /)]),
    );
    expect(() => assertNoErrors([stack])).toThrow(ColossusError);
    expect(() => assertNoErrors([stack])).toThrow(/Synth failed: \d+ error finding\(s\)/);
  });

  it('turns a finding into "suppressed" when a suppression next to the construct gives a reason', () => {
    const reason = 'Key is imported from the facility team and rotated by them on their schedule';
    const { stack, report } = smallStack(new ComplianceAspect({ today: TODAY }), ({ keyScope }) =>
      suppress(keyScope, 'CLX-ENC-001', { reason }),
    );
    const row = report.rows.find((r) => r.rule === 'CLX-ENC-001' && r.path === 'small/logs/key');
    expect(row?.status).toBe('suppressed');
    expect(row?.suppression).toEqual({ reason, source: 'code' });
    expect(errorAnnotations([stack]).filter((e) => e.includes('CLX-ENC-001'))).toEqual([]);
  });

  it('accepts suppressions from config for a construct path', () => {
    const suppressions: Suppression[] = [
      {
        rule: 'CLX-ENC-001',
        path: 'small/logs/key',
        reason: 'Rotation handled by an external key ceremony',
        source: 'config',
        expires: '2026-12-31',
      },
    ];
    const { report } = smallStack(new ComplianceAspect({ today: TODAY, suppressions }));
    const row = report.rows.find((r) => r.rule === 'CLX-ENC-001');
    expect(row?.status).toBe('suppressed');
    expect(row?.suppression?.expires).toBe('2026-12-31');
  });

  it('fails with a clear message on an expired suppression, and the finding stays a failure', () => {
    const { stack, report } = smallStack(new ComplianceAspect({ today: TODAY }), ({ keyScope }) =>
      suppress(keyScope, 'CLX-ENC-001', {
        reason: 'Temporary: rotation lands with the key ceremony',
        expires: '2026-05-31',
      }),
    );
    expect(statusOf(report, 'CLX-ENC-001', 'small/logs/key')).toEqual(['fail']);
    expect(errorAnnotations([stack])).toContain(
      '[small/logs] [compliance] suppression of CLX-ENC-001 on small/logs expired on 2026-05-31 (reason was: Temporary: rotation lands with the key ceremony); fix the finding or renew the suppression with a new expiry',
    );
  });

  it('still honours a suppression on its last day', () => {
    const { report } = smallStack(new ComplianceAspect({ today: TODAY }), ({ keyScope }) =>
      suppress(keyScope, 'CLX-ENC-001', {
        reason: 'Temporary: rotation lands with the key ceremony',
        expires: '2026-06-01',
      }),
    );
    expect(statusOf(report, 'CLX-ENC-001', 'small/logs/key')).toEqual(['suppressed']);
  });

  it('warns about a suppression that matches no failing check, and errors on an unknown rule', () => {
    const { stack, report } = smallStack(new ComplianceAspect({ today: TODAY }), ({ keyScope }) => {
      suppress(keyScope, 'CLX-LIF-001', { reason: 'The key is protected already, this is stale' });
      suppress(keyScope, 'CLX-ENC-999', { reason: 'A rule id that does not exist in the pack' });
    });
    expect(report.suppressionProblems).toEqual(
      expect.arrayContaining([
        {
          severity: 'warning',
          path: 'small/logs',
          rule: 'CLX-LIF-001',
          message: 'suppression of CLX-LIF-001 on small/logs matches no failing check; remove it',
        },
        {
          severity: 'error',
          path: 'small/logs',
          rule: 'CLX-ENC-999',
          message: 'suppression of CLX-ENC-999 on small/logs: no such rule in the pack',
        },
      ]),
    );
    expect(errorAnnotations([stack]).some((e) => e.includes('CLX-ENC-999'))).toBe(true);
  });
});

describe('ComplianceAspect evaluates what synth writes', () => {
  function keyStack(outdir?: string) {
    const app = outdir ? new App({ outdir, stackTraces: false }) : Testing.app();
    const stack = new TerraformStack(app, 'written');
    new AwsProvider(stack, 'aws', { region: 'us-east-1', defaultTags: [{ tags: DEFAULT_TAGS }] });
    const key = new KmsKey(stack, 'key', {
      enableKeyRotation: true,
      policy: '{"Statement":[]}',
      lifecycle: { preventDestroy: true },
    });
    Aspects.of(stack).add(new ComplianceAspect({ today: TODAY }));
    return { app, stack, key };
  }

  it('sees a change made after it visited the stack (an aspect on a resource), as the written JSON does', () => {
    const { stack, key } = keyStack();
    // Aspects visit the stack before its resources: this one turns rotation off after the pack's visit.
    Aspects.of(key).add({ visit: (node) => node === key && (key.enableKeyRotation = false) });
    const written = JSON.parse(Testing.synth(stack)) as { resource: { aws_kms_key: Record<string, unknown> } };
    expect(Object.values(written.resource.aws_kms_key)[0]).toMatchObject({ enable_key_rotation: false });
    expect(statusOf(complianceReport(stack)!, 'CLX-ENC-001', 'written/key')).toEqual(['fail']);
    expect(errorAnnotations([stack]).some((e) => e.startsWith('[written/key] [compliance] CLX-ENC-001 '))).toBe(true);
  });

  it('keeps the construct classes SARIF places failing and suppressed rows with, and no others', () => {
    const row = (path: string, status: ReportRow['status']): ReportRow => ({
      rule: 'CLX-X',
      severity: 'error',
      address: 'x',
      path,
      status,
      evidence: null,
    });
    expect([...sourceLocatedPaths([row('s/a/b', 'fail'), row('s/c', 'suppressed'), row('s/d/e', 'pass')])]).toEqual([
      's',
      's/a',
      's/a/b',
      's/c',
    ]);
    const { stack, key } = keyStack();
    key.enableKeyRotation = false;
    Testing.synth(stack);
    // The failing key's class is there (SARIF points at the line that builds it); passing ones are not.
    expect(complianceReport(stack)!.constructClasses).toEqual(
      new Map([
        ['written', 'TerraformStack'],
        ['written/key', 'KmsKey'],
      ]),
    );
  });

  it('evaluates each stack once, however often it is synthesized', () => {
    const { stack } = keyStack();
    Testing.synth(stack);
    const first = complianceReport(stack);
    Testing.synth(stack);
    expect(complianceReport(stack)).toBe(first);
  });

  it("lists its findings in manifest.json's annotations, which the cdktf CLI prints", () => {
    const outdir = mkdtempSync(join(tmpdir(), 'aspect-manifest-'));
    try {
      const { app, key } = keyStack(outdir);
      key.enableKeyRotation = false;
      const previous = process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
      process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = '1';
      try {
        app.synth();
      } finally {
        if (previous === undefined) delete process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
        else process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = previous;
      }
      const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
        stacks: Record<string, { annotations: { constructPath: string; level: string; message: string }[] }>;
      };
      expect(manifest.stacks.written?.annotations).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            constructPath: 'written/key',
            level: '@cdktf/error',
            message: expect.stringMatching(/^\[compliance\] CLX-ENC-001 /),
          }),
        ]),
      );
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('suppress()', () => {
  const scope = () => new Construct(new TerraformStack(Testing.app(), 's'), 'thing');

  it('rejects a suppression without a reason, naming the rule and the construct', () => {
    expect(() => suppress(scope(), 'CLX-ENC-001', { reason: '' })).toThrow(
      new ColossusError('Invalid compliance suppression', [
        'suppression of CLX-ENC-001 on s/thing: reason must explain the exception in at least 20 characters',
      ]),
    );
  });

  it('rejects a short reason and a malformed expiry', () => {
    expect(() => suppress(scope(), 'CLX-ENC-001', { reason: 'legacy', expires: '31/12/2026' })).toThrow(
      /reason must explain the exception in at least 20 characters[\s\S]*expires must be a date YYYY-MM-DD, not "31\/12\/2026"/,
    );
  });

  it('is no global off switch: it refuses a whole stack and rule wildcards', () => {
    const stack = new TerraformStack(Testing.app(), 'whole');
    expect(() => suppress(stack, 'CLX-ENC-001', { reason: 'Trying to switch off the whole stack' })).toThrow(
      /suppress a construct, not a whole stack or app/,
    );
    expect(() => suppress(scope(), 'CLX-*', { reason: 'Trying to switch off every rule at once' })).toThrow(
      /rule must be one rule id such as CLX-ENC-001, not "CLX-\*"/,
    );
  });
});

describe('config suppressions', () => {
  const issues = (value: unknown) => {
    const result = suppressionSchema.safeParse(value);
    return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('need a reason of at least 20 characters', () => {
    expect(issues({ rule: 'CLX-ENC-001', path: 'dev-colossus-1-network/x' })).toEqual([
      expect.stringMatching(/^reason: /),
    ]);
    expect(issues({ rule: 'CLX-ENC-001', path: 'dev-colossus-1-network/x', reason: 'too short' })).toEqual([
      'reason: must explain the exception in at least 20 characters',
    ]);
  });

  it('need a real date, one rule id and a path inside a stack', () => {
    expect(
      issues({
        rule: 'CLX-ENC',
        path: 'dev-colossus-1-network',
        reason: 'a reason long enough to count',
        expires: '2026-02-30',
      }),
    ).toEqual([
      'rule: must be one rule id, such as CLX-ENC-001',
      'path: must be a construct path inside a stack: <stack>/<construct>...',
      'expires: must be a date YYYY-MM-DD',
    ]);
  });
});
