/**
 * IAM privilege-escalation methods: action sets that let a principal grant itself more than it
 * was given. Catalogue as data, kept from public research:
 * - Rhino Security Labs, "AWS IAM Privilege Escalation – Methods and Mitigation"
 *   (https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/), methods 1-21;
 * - Salesforce Cloudsplaining, "Privilege Escalation" glossary, which files the same methods in five
 *   categories (https://github.com/salesforce/cloudsplaining, docs/glossary/privilege-escalation.md),
 *   for the SageMaker notebook method added after the original list.
 * A principal is flagged when the policies attached to it allow every action of one method.
 */
export interface EscalationMethod {
  readonly name: string;
  readonly actions: readonly string[];
}

export const PRIVILEGE_ESCALATION_METHODS: readonly EscalationMethod[] = [
  { name: 'CreateNewPolicyVersion', actions: ['iam:CreatePolicyVersion'] },
  { name: 'SetExistingDefaultPolicyVersion', actions: ['iam:SetDefaultPolicyVersion'] },
  { name: 'CreateEC2WithExistingInstanceProfile', actions: ['iam:PassRole', 'ec2:RunInstances'] },
  { name: 'CreateAccessKey', actions: ['iam:CreateAccessKey'] },
  { name: 'CreateLoginProfile', actions: ['iam:CreateLoginProfile'] },
  { name: 'UpdateLoginProfile', actions: ['iam:UpdateLoginProfile'] },
  { name: 'AttachUserPolicy', actions: ['iam:AttachUserPolicy'] },
  { name: 'AttachGroupPolicy', actions: ['iam:AttachGroupPolicy'] },
  { name: 'AttachRolePolicy', actions: ['iam:AttachRolePolicy', 'sts:AssumeRole'] },
  { name: 'PutUserPolicy', actions: ['iam:PutUserPolicy'] },
  { name: 'PutGroupPolicy', actions: ['iam:PutGroupPolicy'] },
  { name: 'PutRolePolicy', actions: ['iam:PutRolePolicy', 'sts:AssumeRole'] },
  { name: 'AddUserToGroup', actions: ['iam:AddUserToGroup'] },
  { name: 'UpdateRolePolicyToAssumeIt', actions: ['iam:UpdateAssumeRolePolicy', 'sts:AssumeRole'] },
  {
    name: 'PassExistingRoleToNewLambdaThenInvoke',
    actions: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'],
  },
  {
    name: 'PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo',
    actions: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:CreateEventSourceMapping'],
  },
  { name: 'EditExistingLambdaFunctionWithRole', actions: ['lambda:UpdateFunctionCode'] },
  { name: 'PassExistingRoleToNewGlueDevEndpoint', actions: ['iam:PassRole', 'glue:CreateDevEndpoint'] },
  { name: 'UpdateExistingGlueDevEndpoint', actions: ['glue:UpdateDevEndpoint'] },
  { name: 'PassExistingRoleToCloudFormation', actions: ['iam:PassRole', 'cloudformation:CreateStack'] },
  {
    name: 'PassExistingRoleToNewDataPipeline',
    actions: ['iam:PassRole', 'datapipeline:CreatePipeline', 'datapipeline:PutPipelineDefinition'],
  },
  {
    name: 'PassExistingRoleToNewSageMakerNotebook',
    actions: ['iam:PassRole', 'sagemaker:CreateNotebookInstance', 'sagemaker:CreatePresignedNotebookInstanceUrl'],
  },
];

/**
 * Actions that take no resource-level permission, so Resource "*" is the only way to grant them
 * (AWS Service Authorization Reference: the "Resource types" column is empty for these actions,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
 */
export const ACTIONS_WITHOUT_RESOURCE_TYPES: readonly string[] = [
  'sts:GetCallerIdentity',
  'cloudwatch:PutMetricData',
  'ec2:DescribeInstances',
  'ec2:DescribeNetworkInterfaces',
  'logs:DescribeLogGroups',
  's3:ListAllMyBuckets',
  'kms:ListAliases',
  'kms:ListKeys',
  // The delivery roles (constructs/delivery/delivery-policies.ts):
  // - "Amazon EC2 ec2:Describe* API actions do not support resource-level permissions ... the
  //   Resource element requires *" (Amazon EC2 User Guide, "Example policies to control access
  //   to the Amazon EC2 API", read-only access); the EBS encryption-by-default settings are
  //   account-wide and list no resource type (Service Authorization Reference, Amazon EC2).
  'ec2:Describe*',
  'ec2:GetEbsEncryptionByDefault',
  'ec2:GetEbsDefaultKmsKeyId',
  'ec2:EnableEbsEncryptionByDefault',
  'ec2:DisableEbsEncryptionByDefault',
  // - Amazon EC2 Auto Scaling Describe* actions list no resource type (Service Authorization
  //   Reference, Amazon EC2 Auto Scaling; EC2 Auto Scaling User Guide, "How Amazon EC2 Auto
  //   Scaling works with IAM": describe actions do not support resource-level permissions).
  'autoscaling:Describe*',
  // - kms:CreateKey makes a key that has no ARN yet (Service Authorization Reference, AWS KMS).
  'kms:CreateKey',
  // - CloudTrail's DescribeTrails lists trails; AWS Config's recorder and delivery channel are
  //   one per region and list no resource type (Service Authorization Reference, AWS
  //   CloudTrail and AWS Config).
  'cloudtrail:DescribeTrails',
  'config:DescribeConfigurationRecorders',
  'config:DescribeConfigurationRecorderStatus',
  'config:DescribeDeliveryChannels',
  'config:PutConfigurationRecorder',
  'config:DeleteConfigurationRecorder',
  'config:StartConfigurationRecorder',
  'config:StopConfigurationRecorder',
  'config:PutDeliveryChannel',
  'config:DeleteDeliveryChannel',
  // - SSM DescribeParameters lists parameters and names no resource type (Service Authorization
  //   Reference, AWS Systems Manager); Terraform's aws_ssm_parameter read calls it.
  'ssm:DescribeParameters',
];

/**
 * Actions that create a role or user or change the permissions it holds, and that IAM can tie to
 * the boundary the principal gets or has: each lists the `iam:PermissionsBoundary` condition key
 * (Service Authorization Reference, "Actions, resources, and condition keys for AWS Identity and
 * Access Management (IAM)",
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html;
 * IAM User Guide, "Permissions boundaries for IAM entities", delegating responsibility with a
 * boundary). A principal that may take one of them without that condition can make a principal
 * freer than itself.
 */
export const BOUNDARY_CONDITIONED_ACTIONS: readonly string[] = [
  'iam:CreateRole',
  'iam:PutRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:CreateUser',
  'iam:PutUserPolicy',
  'iam:DeleteUserPolicy',
  'iam:AttachUserPolicy',
  'iam:DetachUserPolicy',
  'iam:PutUserPermissionsBoundary',
];

/** Removing a boundary frees the principal whatever the condition says: never allowed. */
export const BOUNDARY_REMOVING_ACTIONS: readonly string[] = [
  'iam:DeleteRolePermissionsBoundary',
  'iam:DeleteUserPermissionsBoundary',
];
