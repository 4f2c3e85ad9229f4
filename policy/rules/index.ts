import type { Rule } from '../model';
import { auditRules } from './audit';
import { capacityRules } from './capacity';
import { capacitySignalRules } from './capacity-signals';
import { encryptionRules } from './encryption';
import { iamRules } from './iam';
import { instanceMetadataRules } from './instance-metadata';
import { lifecycleRules } from './lifecycle';
import { monitoringRules } from './monitoring';
import { networkRules } from './network';
import { storageRules } from './storage';
import { taggingRules } from './tagging';

/** Bumped when a rule is added, retired or changes what it checks. */
export const PACK_VERSION = '2.1.0';

/** The rule pack, in report order. Ids are stable: never renumber, retire instead. */
export const RULES: readonly Rule[] = [
  ...encryptionRules,
  ...networkRules,
  ...instanceMetadataRules,
  ...iamRules,
  ...lifecycleRules,
  ...storageRules,
  ...taggingRules,
  ...monitoringRules,
  ...capacitySignalRules,
  ...auditRules,
  ...capacityRules,
];

export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((r) => [r.id, r]));
