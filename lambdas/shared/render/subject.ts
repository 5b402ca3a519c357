/**
 * The email subject. SNS takes printable ASCII, no line breaks, "less than 100 characters long" (Publish
 * API reference and its service model), so the subject is made ASCII, single-line and cut to fit (the
 * body always carries the full text).
 */
import type { ExperimentResult, Outcome } from '../types';
import { outcomeLabel } from './format';

/** SNS's subject limit: less than 100 characters. */
export const MAX_SUBJECT_LENGTH = 99;

/** The prefix every subject starts with, so mail rules can sort them. */
export const SUBJECT_PREFIX = '[chaos-cadence]';

const OUTCOME_ORDER: readonly Outcome[] = ['passed', 'deviated', 'aborted', 'skipped', 'failed'];

/** Makes text safe for an SNS subject: printable ASCII, one line, single spaces. */
export function toSubjectText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/\u2192/g, '->')
    .replace(/\u2265/g, '>=')
    .replace(/\u2264/g, '<=')
    .replace(/[^\x20-\x7e]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Cuts text to `max` characters, ending with `...` when cut. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 3) return text.slice(0, max);
  return `${text.slice(0, max - 3).trimEnd()}...`;
}

/**
 * `[chaos-cadence] web-cpu-80: PASSED - <reason>` for one experiment,
 * `[chaos-cadence] 3 experiments: 2 PASSED, 1 ABORTED` for several,
 * `[chaos-cadence] run <id>: SKIPPED - <why>` when nothing ran. Always < 100 characters.
 * @param dryRun marks the subject `(dry run)`
 * @param noRunReason why nothing ran (the guard rails' reason), used when `results` is empty
 */
export function emailSubject(
  results: readonly ExperimentResult[],
  options: { readonly dryRun?: boolean; readonly runId?: string; readonly noRunReason?: string } = {},
): string {
  const dry = options.dryRun ? ' (dry run)' : '';
  let head: string;
  let reason: string | undefined;
  const [only] = results;
  if (results.length === 0) {
    head = `${SUBJECT_PREFIX} run ${options.runId ?? ''}: SKIPPED${dry}`;
    reason = options.noRunReason ?? 'no experiment ran';
  } else if (results.length === 1 && only) {
    head = `${SUBJECT_PREFIX} ${only.name}: ${outcomeLabel(only.outcome)}${dry}`;
    reason = only.reason;
  } else {
    const counts = OUTCOME_ORDER.map((o) => [o, results.filter((r) => r.outcome === o).length] as const)
      .filter(([, n]) => n > 0)
      .map(([o, n]) => `${n} ${outcomeLabel(o)}`)
      .join(', ');
    head = `${SUBJECT_PREFIX} ${results.length} experiments${dry}: ${counts}`;
  }
  head = toSubjectText(head);
  const why = reason !== undefined ? toSubjectText(reason) : '';
  if (why.length === 0 || head.length + 3 >= MAX_SUBJECT_LENGTH - 3) return cut(head, MAX_SUBJECT_LENGTH);
  return cut(`${head} - ${why}`, MAX_SUBJECT_LENGTH);
}
