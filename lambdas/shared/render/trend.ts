/**
 * The "Resilience trend" block of the email and the report: the experiment's last outcomes with
 * dates, its score now and before this run, what changed, and its application's score. A block of
 * its own, beside (never inside) the card's conclusions.
 */
import type { ResilienceScore } from '../resilience/score';
import { formatDay, type ExperimentTrend } from '../resilience/trend';
import { escapeHtml } from './escape';

/** The trends of a run's experiments, or why there are none. */
export interface RunTrends {
  /** By experiment name. */
  readonly trends: Readonly<Record<string, ExperimentTrend>>;
  /** Set when the earlier journals could not be read: the trend is left out, and this says why. */
  readonly unavailable?: string;
}

/** `94 / 100`, `61 / 100 (stale: no tested run since 2026-01-06)`, `not tested yet`. */
export function describeScore(score: ResilienceScore): string {
  if (score.state === 'untested') return 'not tested yet (0 / 100)';
  const stale =
    score.state === 'stale' && score.lastTestedAt !== undefined
      ? ` (stale: no tested run since ${formatDay(score.lastTestedAt)})`
      : '';
  return `${score.score} / 100${stale}`;
}

/** `-44`, `+6`, `unchanged`. */
function delta(now: number, before: number): string {
  const d = now - before;
  if (d === 0) return 'unchanged';
  return d > 0 ? `+${d}` : `${d}`;
}

/** The score line: `50 / 100 (before this run: 94 / 100; -44)`. */
export function scoreChange(trend: ExperimentTrend): string {
  if (!trend.before) return `${describeScore(trend.now)} (first run on record)`;
  return `${describeScore(trend.now)} (before this run: ${describeScore(trend.before)}; ${delta(trend.now.score, trend.before.score)})`;
}

/** Label and value pairs of the trend block, shared by the text and the HTML. */
export function trendFields(trend: ExperimentTrend): { label: string; value: string }[] {
  const experiments = trend.applicationExperiments;
  return [
    { label: 'Resilience score', value: scoreChange(trend) },
    ...(trend.change !== undefined ? [{ label: 'Changed', value: trend.change }] : []),
    {
      label: 'Application score',
      value: `${trend.application}: ${trend.applicationScore} / 100 (mean of ${experiments} experiment${experiments === 1 ? '' : 's'})`,
    },
  ];
}

/** The heading of the block. */
export function trendTitle(trend: ExperimentTrend): string {
  const shown = trend.recent.length;
  return `Resilience trend: ${trend.experiment} (last ${shown} of ${trend.runsOnRecord} run${trend.runsOnRecord === 1 ? '' : 's'})`;
}

/**
 * The plain-text block, as lines, laid out like the card's fields (label column of `labelWidth`).
 * Undefined when there is nothing to say.
 */
export function trendTextLines(
  name: string,
  runTrends: RunTrends | undefined,
  labelWidth: number,
): string[] | undefined {
  if (runTrends === undefined) return undefined;
  const trend = runTrends.trends[name];
  if (!trend) {
    if (runTrends.unavailable === undefined) return undefined;
    return ['Resilience trend', '----------------', `Not available: ${runTrends.unavailable}`];
  }
  const title = trendTitle(trend);
  const pad = (label: string): string => label.padEnd(labelWidth - 1);
  const lines = [title, '-'.repeat(title.length)];
  for (const point of trend.recent) {
    const mark = point.current ? '  << this run' : '';
    lines.push(`${pad(formatDay(point.at))} ${point.outcome.toUpperCase()}${mark}`);
  }
  for (const f of trendFields(trend)) lines.push(`${pad(f.label)} ${f.value}`);
  return lines;
}

/** The HTML section (`data-section="trend"`), or '' when there is nothing to say. */
export function trendHtml(name: string, runTrends: RunTrends | undefined): string {
  if (runTrends === undefined) return '';
  const trend = runTrends.trends[name];
  if (!trend) {
    if (runTrends.unavailable === undefined) return '';
    return `<section data-section="trend"><h3>Resilience trend</h3><p class="note">Not available: ${escapeHtml(runTrends.unavailable)}</p></section>`;
  }
  const items = trend.recent
    .map(
      (p) =>
        `<li class="trend-point${p.current ? ' current' : ''}"><time datetime="${escapeHtml(p.at)}">${escapeHtml(formatDay(p.at))}</time> <span class="badge ${escapeHtml(p.outcome)}" data-outcome="${escapeHtml(p.outcome)}">${escapeHtml(p.outcome.toUpperCase())}</span>${p.current ? ' <em>this run</em>' : ''}</li>`,
    )
    .join('');
  const fields = trendFields(trend)
    .map((f) => `<dt>${escapeHtml(f.label)}</dt><dd>${escapeHtml(f.value)}</dd>`)
    .join('');
  return `<section data-section="trend"><h3>${escapeHtml(trendTitle(trend))}</h3><ol class="trend">${items}</ol><dl class="fields">${fields}</dl></section>`;
}

/** CSS of the trend block (the report adds it to its own). */
export const TREND_CSS = `
ol.trend { list-style: none; padding: 0; margin: 4px 0 8px; display: flex; flex-wrap: wrap; gap: 6px 14px; }
ol.trend li { font-size: 0.85rem; } ol.trend time { font-family: ui-monospace, Menlo, Consolas, monospace; color: #444; margin-right: 4px; }
ol.trend li.current { font-weight: 700; }
`;
