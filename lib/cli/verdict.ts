import type { ExperimentResult } from '../../lambdas/shared/types';
import { OUTCOMES } from '../../lambdas/shared/vocabulary';
import { formatSeconds, outcomeStyle, paint, type CliIo } from './io';

/** The part of an experiment result the CLI prints. */
export type VerdictLine = Pick<ExperimentResult, 'name' | 'outcome' | 'reason'> &
  Partial<Pick<ExperimentResult, 'timeToStopSeconds' | 'recoverySeconds' | 'advice'>>;

/** True when `value` looks like an experiment result (name, known outcome, reason). */
export function isVerdictLine(value: unknown): value is VerdictLine {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.name === 'string' &&
    typeof candidate.outcome === 'string' &&
    (OUTCOMES as readonly string[]).includes(candidate.outcome) &&
    typeof candidate.reason === 'string'
  );
}

/**
 * Formats the verdict per experiment, one line each (plus the advice, indented, when there is one):
 * `  web-cpu-80  PASSED    hypothesis held (time to stop -, recovery 40 s)`.
 */
export function formatVerdicts(io: Pick<CliIo, 'color'>, results: readonly VerdictLine[]): string[] {
  if (results.length === 0) return ['  no experiment ran'];
  const nameWidth = Math.max(...results.map((r) => r.name.length));
  const outcomeWidth = Math.max(8, ...results.map((r) => r.outcome.length));
  const lines: string[] = [];
  for (const result of results) {
    const outcome = paint(
      io,
      outcomeStyle(result.outcome),
      result.outcome.toUpperCase().padEnd(outcomeWidth),
    );
    const timing = `(time to stop ${formatSeconds(result.timeToStopSeconds)}, recovery ${formatSeconds(result.recoverySeconds)})`;
    lines.push(
      `  ${result.name.padEnd(nameWidth)}  ${outcome}  ${result.reason} ${paint(io, 'dim', timing)}`,
    );
    if (result.advice)
      lines.push(`  ${' '.repeat(nameWidth)}  ${paint(io, 'dim', `advice: ${result.advice}`)}`);
  }
  return lines;
}
