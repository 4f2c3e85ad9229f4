import type { ChangeSet } from './change-set';
import { domainDeltas } from './domain';
import type { ReviewInput } from './markdown';
import { readPlanDir } from './plan-json';
import { readSideReports } from './reports';
import { diffSynthOutputs } from './synth-diff';
import { readSynthOutput } from './synth-output';
import { blastRadius } from './blast-radius';
import { diffBlocks } from './blocks';

/** Everything a review needs, from either source. */

export function reviewFromSynth(baseDir: string, headDir: string): ReviewInput {
  const base = readSynthOutput(baseDir, 'base synth output');
  const head = readSynthOutput(headDir, 'head synth output');
  const changeSet = diffSynthOutputs(base, head);
  return {
    changeSet,
    domain: domainDeltas(changeSet),
    blast: blastRadius(changeSet, head, base),
    reports: { base: readSideReports(baseDir), head: readSideReports(headDir) },
  };
}

export function reviewFromPlan(planDir: string, synthDir?: string): ReviewInput {
  const read = readPlanDir(planDir, synthDir);
  return {
    creationOnly: read.target === 'offline',
    sourceNote: [read.target && `target ${read.target}`, read.commit && `commit ${read.commit}`]
      .filter(Boolean)
      .join(', '),
    changeSet: read.changeSet,
    domain: domainDeltas(read.changeSet),
    ...(read.synthDir
      ? { blast: blastRadius(read.changeSet, readSynthOutput(read.synthDir, 'synth output of the plans')) }
      : {}),
    reports: { head: readSideReports(read.synthDir) },
    failed: read.failed,
  };
}

/** The review for machines: the change set (without whole values), deltas and reports. */
export function jsonReview(input: ReviewInput, exitStatus: number): string {
  const changeSet: ChangeSet = input.changeSet;
  const plain = <T>(available: { available: boolean } & ({ value: T } | { reason: string })) =>
    'value' in available
      ? {
          available: true,
          value: available.value instanceof Map ? Object.fromEntries(available.value) : available.value,
        }
      : available;
  const reports = (side: ReviewInput['reports']['head'] | undefined) =>
    side && {
      compliance: plain(side.compliance),
      resilience: plain(side.resilience),
      isolation: plain(side.isolation),
    };
  return `${JSON.stringify(
    {
      formatVersion: 1,
      source: changeSet.source,
      environment: changeSet.environment,
      exitStatus,
      stacks: changeSet.stacks.map((s) => ({
        name: s.name,
        status: s.status,
        changes: s.changes
          .filter((c) => c.action !== 'no-op' || c.previousAddress)
          .map(({ before: _before, after: _after, ...rest }) => rest),
      })),
      domain: input.domain,
      blastRadius: input.blast ?? null,
      reports: { base: reports(input.reports.base) ?? null, head: reports(input.reports.head) },
      failed: input.failed ?? [],
    },
    null,
    2,
  )}\n`;
}

/**
 * The authoritative review of a change: plans of the head against deployed state, plus what a
 * plan cannot show (backend, provider and other block changes), diffed from the base synth.
 * A stack whose plan could not run (it reads outputs of an upstream stack not yet applied) or
 * that is removed whole keeps the synth diff's prediction, said so in the source line.
 */
export function reviewFromPlanAgainstBase(planDir: string, headSynthDir: string, baseSynthDir: string): ReviewInput {
  const input = reviewFromPlan(planDir, headSynthDir);
  const base = readSynthOutput(baseSynthDir, 'base synth output');
  const head = readSynthOutput(headSynthDir, 'head synth output');
  const predicted = diffSynthOutputs(base, head);
  const failed = new Set((input.failed ?? []).map((f) => f.name));
  const planned = new Set(input.changeSet.stacks.map((s) => s.name));
  const standIns = predicted.stacks.filter(
    (s) => failed.has(s.name) || (s.status === 'removed' && !planned.has(s.name)),
  );
  const stacks = [
    ...input.changeSet.stacks.map((s) => ({
      ...s,
      blocks: diffBlocks(s.name, base.stacks.get(s.name), head.stacks.get(s.name)),
    })),
    ...standIns,
  ].sort((a, b) => a.name.localeCompare(b.name));
  const changeSet = { ...input.changeSet, stacks };
  return {
    ...input,
    changeSet,
    domain: domainDeltas(changeSet),
    blast: blastRadius(changeSet, head, base),
    sourceNote: [
      input.sourceNote,
      standIns.length > 0 &&
        `predicted from the synth diff for ${standIns.map((s) => s.name).join(', ')} (plan failed or stack removed)`,
    ]
      .filter(Boolean)
      .join('; '),
  };
}
