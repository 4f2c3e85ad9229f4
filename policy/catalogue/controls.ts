/**
 * The controls the rule pack evidences, with their titles, and the controls it does not,
 * each with the reason. Titles: NIST SP 800-53 Rev. 5 (https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final)
 * and CIS Amazon Web Services Foundations Benchmark v3.0.0, as listed in the AWS Security Hub
 * user guide, "CIS AWS Foundations Benchmark" (https://docs.aws.amazon.com/securityhub/latest/userguide/cis-aws-foundations-benchmark.html).
 */
export const NIST = 'NIST SP 800-53 rev5';
export const CIS = 'CIS AWS Foundations v3.0.0';
export type Framework = typeof NIST | typeof CIS;

export const CONTROL_TITLES: Readonly<Record<Framework, Readonly<Record<string, string>>>> = {
  [NIST]: {
    'AC-2': 'Account Management',
    'AC-3': 'Access Enforcement',
    'AC-3(7)': 'Access Enforcement | Role-based Access Control',
    'AC-4': 'Information Flow Enforcement',
    'AC-5': 'Separation of Duties',
    'AC-6': 'Least Privilege',
    'AC-6(1)': 'Least Privilege | Authorize Access to Security Functions',
    'AC-6(5)': 'Least Privilege | Privileged Accounts',
    'AC-6(9)': 'Least Privilege | Log Use of Privileged Functions',
    'AC-6(10)': 'Least Privilege | Prohibit Non-privileged Users from Executing Privileged Functions',
    'AC-16': 'Security and Privacy Attributes',
    'AC-17': 'Remote Access',
    'AC-21': 'Information Sharing',
    'AU-2': 'Event Logging',
    'AU-3': 'Content of Audit Records',
    'AU-9': 'Protection of Audit Information',
    'AU-9(3)': 'Protection of Audit Information | Cryptographic Protection',
    'AU-11': 'Audit Record Retention',
    'AU-12': 'Audit Record Generation',
    'CM-2': 'Baseline Configuration',
    'CM-2(2)': 'Baseline Configuration | Automation Support for Accuracy and Currency',
    'CM-6': 'Configuration Settings',
    'CM-8': 'System Component Inventory',
    'CM-8(4)': 'System Component Inventory | Accountability Information',
    'CP-2(2)': 'Contingency Plan | Capacity Planning',
    'CP-9': 'System Backup',
    'IR-6': 'Incident Reporting',
    'PE-9': 'Power Equipment and Cabling',
    'PE-11': 'Emergency Power',
    'PE-14': 'Environmental Controls',
    'PE-15': 'Water Damage Protection',
    'RA-2': 'Security Categorization',
    'SC-7': 'Boundary Protection',
    'SC-7(4)': 'Boundary Protection | External Telecommunications Services',
    'SC-7(5)': 'Boundary Protection | Deny by Default — Allow by Exception',
    'SC-8': 'Transmission Confidentiality and Integrity',
    'SC-8(1)': 'Transmission Confidentiality and Integrity | Cryptographic Protection',
    'SC-12': 'Cryptographic Key Establishment and Management',
    'SC-16': 'Transmission of Security and Privacy Attributes',
    'SC-28': 'Protection of Information at Rest',
    'SC-28(1)': 'Protection of Information at Rest | Cryptographic Protection',
    'SI-4': 'System Monitoring',
    'SI-4(5)': 'System Monitoring | System-generated Alerts',
    'SI-12': 'Information Management and Retention',
  },
  [CIS]: {
    '1.15': 'Ensure IAM users receive permissions only through groups',
    '1.16': 'Ensure IAM policies that allow full "*:*" administrative privileges are not attached',
    '2.1.1': 'Ensure S3 bucket policy is set to deny HTTP requests',
    '2.1.4': "Ensure that S3 buckets are configured with 'Block public access'",
    '2.2.1': 'Ensure EBS volume encryption is enabled in all regions',
    '3.1': 'Ensure CloudTrail is enabled in all regions',
    '3.2': 'Ensure CloudTrail log file validation is enabled',
    '3.3': 'Ensure AWS Config is enabled in all regions',
    '3.4': 'Ensure that S3 bucket access logging is enabled on the CloudTrail S3 bucket',
    '3.5': 'Ensure CloudTrail logs are encrypted at rest using KMS CMKs',
    '3.6': 'Ensure rotation for customer-created symmetric CMKs is enabled',
    '3.7': 'Ensure VPC flow logging is enabled in all VPCs',
    '3.8': 'Ensure that object-level logging for write events is enabled for S3 buckets',
    '3.9': 'Ensure that object-level logging for read events is enabled for S3 buckets',
    '5.1': 'Ensure no network ACLs allow ingress from 0.0.0.0/0 to remote server administration ports',
    '5.2': 'Ensure no security groups allow ingress from 0.0.0.0/0 to remote server administration ports',
    '5.3': 'Ensure no security groups allow ingress from ::/0 to remote server administration ports',
    '5.4': 'Ensure the default security group of every VPC restricts all traffic',
    '5.6': 'Ensure that EC2 Metadata Service only allows IMDSv2',
  },
};

export interface OutOfScope {
  readonly framework: Framework;
  /** A control id, or a range or family such as "1.1-1.14" or "AT". */
  readonly controls: string;
  readonly title: string;
  readonly reason: string;
}

const ORG =
  'belongs to the AWS organization and account administration (root user, IAM users, identity provider), not to the infrastructure code of the clusters';

export const OUT_OF_SCOPE: readonly OutOfScope[] = [
  {
    framework: CIS,
    controls: '1.1-1.14',
    title: 'Account contacts, root user, MFA, IAM user credentials and password policy',
    reason: ORG,
  },
  {
    framework: CIS,
    controls: '1.17',
    title: 'Ensure a support role has been created to manage incidents with AWS Support',
    reason: ORG,
  },
  {
    framework: CIS,
    controls: '1.18-1.19',
    title: 'Instance roles for EC2 access; expired server certificates',
    reason:
      'the GPU nodes take their role from the platform launch path outside these stacks, and no server certificates are managed here',
  },
  {
    framework: CIS,
    controls: '1.20',
    title: 'Ensure that IAM Access Analyzer is enabled for all regions',
    reason: ORG,
  },
  {
    framework: CIS,
    controls: '1.21-1.22',
    title: 'Centralized identity (federation); AWSCloudShellFullAccess',
    reason: ORG,
  },
  {
    framework: CIS,
    controls: '2.1.2',
    title: 'Ensure MFA Delete is enabled on S3 buckets',
    reason:
      "MFA Delete can only be enabled with the root user's MFA device, which Terraform cannot hold; versioning (CLX-LIF-006) and prevent_destroy (CLX-LIF-003) protect the buckets instead",
  },
  {
    framework: CIS,
    controls: '2.1.3',
    title: 'Ensure all data in Amazon S3 has been discovered, classified and secured when required',
    reason:
      'data discovery (Amazon Macie) is run by the organization security account; the data-classification tags (CLX-TAG-004/005) label resources but do not discover data, so they are not claimed as evidence',
  },
  {
    framework: CIS,
    controls: '2.3.1-2.3.3',
    title: 'RDS encryption, auto minor version upgrade, public access',
    reason: 'no RDS instances are built by this code',
  },
  {
    framework: CIS,
    controls: '2.4.1',
    title: 'Ensure that encryption is enabled for EFS file systems',
    reason: 'no EFS file systems are built by this code',
  },
  {
    framework: CIS,
    controls: '4.1-4.16',
    title: 'CloudWatch metric filters and alarms on CloudTrail events',
    reason:
      'the log-based security alarms run in the organization security account on the organization trail; this code delivers the environment trail they read',
  },
  {
    framework: CIS,
    controls: '5.5',
    title: 'Ensure routing tables for VPC peering are "least access"',
    reason:
      'no VPC peering exists; tenant routes are proved by the isolation proof (npm run isolation), not by this pack',
  },
  {
    framework: NIST,
    controls: 'AT, PS, PL, PM, SA, SR',
    title: 'Awareness and training, personnel security, planning, program management, acquisition, supply chain',
    reason: 'organizational and procedural controls; no infrastructure code can evidence them',
  },
  {
    framework: NIST,
    controls: 'IA',
    title: 'Identification and authentication',
    reason:
      'identities and authenticators are issued by the organization identity provider; these stacks only define the roles they assume (AC controls)',
  },
  {
    framework: NIST,
    controls: 'CA, IR (except IR-6), CP (except CP-2(2), CP-9)',
    title: 'Assessment, incident response, contingency planning',
    reason:
      'processes run by people; the pack evidences only the technical parts listed against IR-6, CP-2(2) and CP-9',
  },
  {
    framework: NIST,
    controls: 'MA, MP, PE (except PE-9, PE-11, PE-14, PE-15)',
    title: 'Maintenance, media protection, physical access',
    reason:
      'the facility operator and AWS own the physical controls; the pack evidences the facility telemetry alarms only',
  },
  {
    framework: NIST,
    controls: 'SI-2, SI-3, SI-7',
    title: 'Flaw remediation, malicious code protection, software integrity',
    reason: 'node images are built and patched by the image pipeline, outside these stacks',
  },
];
