import { isStateMigration } from './blocks';
import { EXIT_DESTROYS, EXIT_ERROR, EXIT_OK, exitStatus, totalCounts } from './change-set';
import { COMMENT_MARKER, GITHUB_COMMENT_LIMIT, renderMarkdown, type ReviewInput } from './markdown';
import { topWarnings, type Warning } from './warnings';

/**
 * One pull-request comment for every environment: a summary table across environments, the
 * dangerous changes of all of them, then one section per changed environment (an unchanged
 * one is one line). A head that does not synthesize or plan replaces the whole comment with
 * its error, so no earlier review is left standing for a head nobody reviewed.
 */

export const DESTROY_LABEL = 'destroys-resources';
export const SYNTH_FAILED_LABEL = 'synth-failed';

export type EnvironmentReview =
  | { readonly environment: string; readonly input: ReviewInput }
  /** Nothing to compare with (the base did not synthesize): said in one line, not a failure of the head. */
  | { readonly environment: string; readonly note: string }
  | { readonly environment: string; readonly failure: { readonly stage: string; readonly error: string } };

export interface PullRequestComment {
  readonly body: string;
  readonly labels: { readonly add: readonly string[]; readonly remove: readonly string[] };
  /** 0 nothing destroyed, 2 something destroyed or replaced, 1 a side failed. */
  readonly status: number;
}

const int = (n: number): string => n.toLocaleString('en-US');
const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;

/** Lines of an error worth showing: the first ones, without ANSI colours. */
export function firstLines(error: string, count = 20): string[] {
  // eslint-disable-next-line no-control-regex -- strips terminal colour codes
  const lines = error.replace(/\u001b\[[0-9;]*m/g, '').split('\n');
  const kept = lines.filter((l, i) => l.trim() !== '' || i === 0).slice(0, count);
  return lines.length > count ? [...kept, `… (${int(lines.length - count)} more lines in the job log)`] : kept;
}

function facts(input: ReviewInput) {
  const counts = totalCounts(input.changeSet);
  const warnings = topWarnings(input);
  const blocks = input.changeSet.stacks.flatMap((s) => (s.status === 'changed' ? (s.blocks ?? []) : []));
  const of = (kind: Warning['kind']) => warnings.filter((w) => w.kind === kind).length;
  return {
    counts,
    warnings,
    moves: input.domain.moves.length,
    migrations: input.changeSet.stacks.flatMap((s) => s.blocks ?? []).filter(isStateMigration).length,
    contractOrMargin: of('contract') + of('margin'),
    verdicts: of('isolation') + of('compliance'),
    unchanged:
      counts.create + counts.update + counts.replace + counts.delete + counts.forget === 0 &&
      blocks.length === 0 &&
      warnings.length === 0 &&
      input.changeSet.stacks.every((s) => s.status === 'changed'),
  };
}

export function renderPullRequestComment(
  reviews: readonly EnvironmentReview[],
  maxChars = GITHUB_COMMENT_LIMIT - 535,
): PullRequestComment {
  const failures = reviews.flatMap((r) => ('failure' in r ? [r] : []));
  if (failures.length > 0) {
    const body = [
      COMMENT_MARKER,
      '## Plan review: :x: the head could not be reviewed',
      '',
      `No review of this head: ${failures.map((f) => `${code(f.environment)} (${f.failure.stage})`).join(', ')} failed. Any earlier review of this pull request no longer applies. Fix the error and push again.`,
      ...failures.flatMap((f) => [
        '',
        `### ${code(f.environment)}: ${f.failure.stage} failed`,
        '',
        '```text',
        ...firstLines(f.failure.error).map((l) => l.replace(/```/g, "'''")),
        '```',
      ]),
      '',
    ].join('\n');
    return {
      body:
        body.length <= maxChars
          ? body
          : `${body.slice(0, maxChars - 200)}\n\`\`\`\n\n> **Truncated** to ${int(maxChars)} characters.\n`,
      labels: { add: [SYNTH_FAILED_LABEL], remove: [DESTROY_LABEL] },
      status: EXIT_ERROR,
    };
  }
  const rows = reviews.flatMap((r) =>
    'input' in r ? [{ environment: r.environment, input: r.input, ...facts(r.input) }] : [],
  );
  const status = rows.some((r) => exitStatus(r.input.changeSet) === EXIT_DESTROYS) ? EXIT_DESTROYS : EXIT_OK;
  const changed = rows.filter((r) => !r.unchanged);
  const cell = (n: number) => (n > 0 ? `**${int(n)}**` : '0');
  const head = [
    COMMENT_MARKER,
    '## Plan review',
    '',
    changed.length === 0
      ? `Nothing changes in ${rows.map((r) => code(r.environment)).join(', ')}.`
      : '| environment | destroyed | replaced | capacity moves | state migrations | contract / margin | isolation / compliance |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n' +
        changed
          .map(
            (r) =>
              `| ${code(r.environment)} | ${cell(r.counts.delete)} | ${cell(r.counts.replace)} | ${cell(r.moves)} | ${cell(r.migrations)} | ${cell(r.contractOrMargin)} | ${cell(r.verdicts)} |`,
          )
          .join('\n'),
    ...rows.filter((r) => r.unchanged).map((r) => `- ${code(r.environment)}: no change.`),
    ...reviews.flatMap((r) => ('note' in r ? [`- ${code(r.environment)}: ${r.note}`] : [])),
  ];
  const warnings = changed.flatMap((r) => r.warnings.map((w) => `- ${code(r.environment)}: ${w.text}`));
  if (warnings.length > 0) {
    head.push('', `**:rotating_light: Read first (${int(warnings.length)}):**`, '', ...warnings.slice(0, 30));
    if (warnings.length > 30) head.push(`- … and ${int(warnings.length - 30)} more, in the sections below`);
  }
  const top = head.join('\n');
  const sections: string[] = [];
  let left = maxChars - top.length - 2;
  changed.forEach((r, i) => {
    // Each environment gets an equal share of what is left; its own truncation note names it.
    const share = Math.floor(left / (changed.length - i));
    const text = renderMarkdown(r.input, { maxChars: Math.max(2000, share) })
      .replace(`${COMMENT_MARKER}\n`, '')
      .replace(/^## Plan review: /, '## Environment ');
    const fitted =
      text.length <= share
        ? text
        : `## Environment ${code(r.environment)}\n\n> Left out: ${int(text.length)} characters do not fit the ${int(share)} left for this environment in the comment's ${int(maxChars)}. Run \`npm run review\` for it.\n`;
    sections.push(fitted);
    left -= fitted.length + 1;
  });
  return {
    body: `${[top, ...sections].join('\n\n')}\n`,
    labels:
      status === EXIT_DESTROYS
        ? { add: [DESTROY_LABEL], remove: [SYNTH_FAILED_LABEL] }
        : { add: [], remove: [DESTROY_LABEL, SYNTH_FAILED_LABEL] },
    status,
  };
}
