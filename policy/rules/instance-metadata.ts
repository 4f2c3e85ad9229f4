import { blocks, ofType } from '../attributes';
import type { Resource, Rule, StackModel } from '../model';
import { check } from './check';

/** Launch templates and instances, with their metadata options block (absent means AWS defaults). */
function metadataOptions(stack: StackModel): { resource: Resource; options: Record<string, unknown> }[] {
  return ofType(stack, 'aws_launch_template', 'aws_instance').map((resource) => ({
    resource,
    options: blocks(resource.attrs.metadata_options)[0] ?? {},
  }));
}

export const instanceMetadataRules: Rule[] = [
  {
    id: 'CLX-IMD-001',
    title: 'Instances require IMDSv2 session tokens',
    severity: 'error',
    rationale: 'IMDSv1 answers any request, so a server-side request forgery on a node leaks its role credentials.',
    controls: { cis: ['5.6'], nist: ['AC-3', 'SC-7', 'CM-6'] },
    checkov: ['CKV_AWS_79'],
    check: (stack) =>
      metadataOptions(stack).map(({ resource, options }) =>
        check(
          resource,
          'metadata_options.http_tokens',
          options.http_tokens ?? null,
          options.http_tokens === 'required' || options.http_endpoint === 'disabled',
        ),
      ),
  },
  {
    id: 'CLX-IMD-002',
    title: 'Instance metadata responses do not leave the instance (hop limit 1)',
    severity: 'error',
    rationale:
      'A hop limit above 1 lets containers on the node reach the node role credentials; where a workload needs it, a suppression gives the reason.',
    // CIS 5.6 asks for IMDSv2 only, not a hop limit: this rule claims no CIS control.
    controls: { cis: [], nist: ['AC-3', 'AC-6', 'SC-7'] },
    checkov: ['CKV_AWS_341'],
    check: (stack) =>
      metadataOptions(stack)
        .filter(({ options }) => options.http_endpoint !== 'disabled')
        .map(({ resource, options }) => {
          const hops = options.http_put_response_hop_limit;
          return check(resource, 'metadata_options.http_put_response_hop_limit', hops ?? null, Number(hops) === 1);
        }),
  },
];
