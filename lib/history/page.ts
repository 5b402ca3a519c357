/**
 * The history page (`chaos-cadence history --html FILE`): resilience over time from the run journals.
 * Self-contained like the run report (inline CSS and SVG, a Content-Security-Policy that forbids
 * loading anything): the resilience score over months per application and experiment, recovery time
 * and time-to-detect per run, and every run with a link to its report.
 */
import { escapeHtml } from '../../lambdas/shared/render/escape';
import { formatSeconds } from '../../lambdas/shared/render/format';
import { OUTCOME_COLOURS } from '../../lambdas/shared/render/html';
import { SERIES_COLOURS } from '../../lambdas/shared/render/chart';
import { SCORE_RULES, type ResilienceScore } from '../../lambdas/shared/resilience/score';
import {
  experimentRuns,
  experimentScores,
  formatDay,
  type CadencePeriods,
  type ExperimentRun,
} from '../../lambdas/shared/resilience/trend';
import { applicationScore } from '../../lambdas/shared/resilience/score';
import type { RunJournal } from '../../lambdas/shared/types';

/** What the page needs besides the journals. */
export interface HistoryPageOptions {
  /** Where the journals came from, e.g. `s3://bucket/runs/` or a folder. */
  readonly source: string;
  /** The moment the page is generated (scores are taken up to it). */
  readonly now: Date;
  /** Cadence period by experiment (staleness). @default none: never stale */
  readonly cadencePeriods?: CadencePeriods;
  /** The link to a run's HTML report, when there is one. */
  readonly reportHref?: (journal: RunJournal) => string | undefined;
}

/** A line of the score-over-months chart. */
export interface MonthSeries {
  readonly label: string;
  /** One value per month of {@link HistoryModel.months}; undefined before the first run. */
  readonly values: readonly (number | undefined)[];
  /** Drawn thicker (the application's mean). */
  readonly bold?: boolean;
}

/** One application on the page. */
export interface ApplicationHistory {
  readonly application: string;
  readonly score: number;
  readonly experiments: readonly { readonly name: string; readonly score: ResilienceScore }[];
  /** The application's mean first, then each experiment. */
  readonly series: readonly MonthSeries[];
}

/** Everything the page shows, computed from the journals (pure; tested without a browser). */
export interface HistoryModel {
  /** `yyyy-mm`, oldest first. */
  readonly months: readonly string[];
  readonly applications: readonly ApplicationHistory[];
  readonly runs: readonly ExperimentRun[];
}

/** The end of a month (`yyyy-mm`) as an instant, capped at `now`. */
function monthEnd(month: string, now: Date): string {
  const [y, m] = month.split('-').map(Number);
  const end = new Date(Date.UTC(y ?? 1970, m ?? 1, 1) - 1);
  return (end.getTime() > now.getTime() ? now : end).toISOString();
}

/** Every `yyyy-mm` from the first run's month to `now`'s (or the last run's, if later). */
function monthsBetween(first: string, last: string): string[] {
  const months: string[] = [];
  let y = Number(first.slice(0, 4));
  let m = Number(first.slice(5, 7));
  const end = last.slice(0, 7);
  for (let i = 0; i < 240; i += 1) {
    const month = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
    months.push(month);
    if (month >= end) break;
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return months;
}

/** Builds what the page shows. */
export function historyModel(journals: readonly RunJournal[], options: HistoryPageOptions): HistoryModel {
  const runs = experimentRuns(journals);
  const periods = options.cadencePeriods ?? {};
  if (runs.length === 0) return { months: [], applications: [], runs };
  const nowIso = options.now.toISOString();
  const lastRun = runs[runs.length - 1]?.at ?? nowIso;
  const end = lastRun > nowIso ? lastRun : nowIso;
  const months = monthsBetween(runs[0]?.at ?? nowIso, end);
  const endDate = new Date(end);
  const perMonth = months.map((month) => experimentScores(runs, monthEnd(month, endDate), periods));
  const latest = experimentScores(runs, end, periods);

  const applications = [...new Set(runs.map((r) => r.application))].sort();
  return {
    months,
    runs,
    applications: applications.map((application) => {
      const experiments = [...latest]
        .filter(([, s]) => s.application === application)
        .map(([name, s]) => ({ name, score: s.score }))
        .sort((a, b) => a.name.localeCompare(b.name));
      const experimentSeries: MonthSeries[] = experiments.map(({ name }) => ({
        label: name,
        values: perMonth.map((scores) => scores.get(name)?.score.score),
      }));
      const meanSeries: MonthSeries = {
        label: `${application} (mean)`,
        bold: true,
        values: perMonth.map((scores) =>
          applicationScore(
            [...scores.values()].filter((s) => s.application === application).map((s) => s.score),
          ),
        ),
      };
      return {
        application,
        score: applicationScore(experiments.map((e) => e.score)) ?? 0,
        experiments,
        series: [meanSeries, ...experimentSeries],
      };
    }),
  };
}

const W = 720;
const H = 220;
const M = { top: 24, right: 16, bottom: 30, left: 48 };

/** A line chart over evenly spaced categories (months or runs), y from 0 to `yMax`. */
function categoryChartSvg(
  id: string,
  title: string,
  labels: readonly string[],
  series: readonly MonthSeries[],
  yMax: number,
  format: (v: number) => string,
): string {
  const n = labels.length;
  const x = (i: number) => M.left + (n <= 1 ? 0.5 : i / (n - 1)) * (W - M.left - M.right);
  const y = (v: number) => M.top + (1 - Math.min(Math.max(v, 0), yMax) / yMax) * (H - M.top - M.bottom);
  const parts = [
    `<svg class="chart" id="${id}" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${id}-title" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${id}-title">${escapeHtml(title)}</title>`,
  ];
  for (const f of [0, 0.5, 1]) {
    const yy = y(yMax * f).toFixed(1);
    parts.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${yy}" y2="${yy}" stroke="#ccc" stroke-width="1"/>`,
      `<text x="${M.left - 6}" y="${yy}" font-size="11" text-anchor="end" dominant-baseline="middle" fill="#333">${escapeHtml(format(yMax * f))}</text>`,
    );
  }
  const step = Math.max(1, Math.ceil(n / 8));
  labels.forEach((label, i) => {
    const last = i === n - 1;
    // Every step-th label, and the last one; none that would crowd the last.
    if (!last && (i % step !== 0 || n - 1 - i < Math.max(step, 2))) return;
    parts.push(
      `<text x="${x(i).toFixed(1)}" y="${H - M.bottom + 16}" font-size="11" text-anchor="${n > 1 && i === n - 1 ? 'end' : n > 1 && i === 0 ? 'start' : 'middle'}" fill="#333">${escapeHtml(label)}</text>`,
    );
  });
  series.forEach((s, index) => {
    const colour = s.bold ? '#111111' : (SERIES_COLOURS[index % SERIES_COLOURS.length] ?? '#000');
    const points = s.values.flatMap((v, i) =>
      v === undefined ? [] : [`${x(i).toFixed(1)},${y(v).toFixed(1)}`],
    );
    if (points.length > 1) {
      parts.push(
        `<polyline class="series" data-label="${escapeHtml(s.label)}" points="${points.join(' ')}" fill="none" stroke="${colour}" stroke-width="${s.bold ? 3 : 2}"/>`,
      );
    }
    for (const p of points) {
      const [cx, cy] = p.split(',');
      parts.push(`<circle cx="${cx}" cy="${cy}" r="${s.bold ? 3.5 : 2.5}" fill="${colour}"/>`);
    }
  });
  parts.push('</svg>');
  const legend = series
    .map((s, index) => {
      const colour = s.bold ? '#111111' : (SERIES_COLOURS[index % SERIES_COLOURS.length] ?? '#000');
      return `<li><span class="swatch" style="border-color:${colour}"></span>${escapeHtml(s.label)}</li>`;
    })
    .join('');
  return `${parts.join('\n')}<ul class="legend">${legend}</ul>`;
}

/** `yMax` for seconds: the next round number above the data. */
function secondsMax(values: readonly number[]): number {
  const max = Math.max(60, ...values);
  return Math.ceil((max * 1.1) / 60) * 60;
}

function scoreCell(score: ResilienceScore): string {
  const label =
    score.state === 'untested'
      ? 'not tested yet'
      : score.state === 'stale'
        ? `stale since ${formatDay(score.lastTestedAt ?? '')}`
        : 'current';
  return `<td class="num">${score.score}</td><td>${escapeHtml(label)}</td>`;
}

function badge(outcome: string): string {
  return `<span class="badge ${escapeHtml(outcome)}" data-outcome="${escapeHtml(outcome)}">${escapeHtml(outcome.toUpperCase())}</span>`;
}

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; margin: 0; color: #1a1a1a; background: #f5f6f8; line-height: 1.45; font-size: 15px; }
header, main, footer { max-width: 1000px; margin: 0 auto; padding: 16px 20px; }
h1 { font-size: 1.4rem; margin: 0 0 6px; } h2 { font-size: 1.2rem; margin: 0 0 8px; } h3 { font-size: 1rem; margin: 12px 0 4px; }
section.panel { background: #fff; border: 1px solid #d7dae0; border-radius: 6px; padding: 16px 20px; margin: 0 0 24px; break-inside: avoid; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #e3e5e8; text-align: left; padding: 3px 6px; vertical-align: top; overflow-wrap: anywhere; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.score { font-size: 1.6rem; font-weight: 700; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 4px; font-weight: 700; font-size: 0.8rem; color: #fff; background: #5f6368; }
${Object.entries(OUTCOME_COLOURS)
  .map(([o, c]) => `.badge.${o} { background: ${c.bg}; color: ${c.fg}; }`)
  .join('\n')}
svg.chart { width: 100%; height: auto; display: block; background: #fff; }
.legend { list-style: none; padding: 0; margin: 2px 0 10px; display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 0.85rem; }
.swatch { display: inline-block; width: 18px; height: 0; border-top: 3px solid; vertical-align: middle; margin-right: 6px; }
.note { color: #555; font-style: italic; }
a { color: #0b57d0; }
footer { color: #555; font-size: 0.85rem; }
@media print { body { background: #fff; } section.panel { border: 1px solid #999; } .badge { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
`;

/** Renders the history page. */
export function renderHistoryHtml(journals: readonly RunJournal[], options: HistoryPageOptions): string {
  const model = historyModel(journals, options);
  const byRun = new Map(journals.map((j) => [j.runId, j]));
  const title = 'chaos-cadence: resilience over time';
  const body: string[] = [];
  if (model.runs.length === 0) {
    body.push(
      '<section class="panel" data-section="empty"><p>No runs yet (dry runs are not counted).</p></section>',
    );
  }

  if (model.applications.length > 0) {
    const rows = model.applications
      .flatMap((app) =>
        app.experiments.map(
          (e) =>
            `<tr data-experiment="${escapeHtml(e.name)}"><td>${escapeHtml(app.application)}</td><td>${escapeHtml(e.name)}</td>${scoreCell(e.score)}<td>${escapeHtml(e.score.lastTestedAt ? formatDay(e.score.lastTestedAt) : '-')}</td><td class="num">${e.score.runs} (${e.score.tested})</td></tr>`,
        ),
      )
      .join('');
    body.push(
      `<section class="panel" data-section="scores"><h2>Resilience score now</h2><table><thead><tr><th>application</th><th>experiment</th><th class="num">score</th><th>state</th><th>last tested</th><th class="num">runs (tested)</th></tr></thead><tbody>${rows}</tbody></table></section>`,
    );
  }

  model.applications.forEach((app, a) => {
    const parts = [
      `<section class="panel" data-section="application" data-application="${escapeHtml(app.application)}">`,
      `<h2>${escapeHtml(app.application)} <span class="score">${app.score}</span> / 100</h2>`,
      `<p class="note">${app.experiments.length === 1 ? "Its one experiment's score" : `The mean of its ${app.experiments.length} experiments' scores`} at the end of each month (an experiment never tested counts 0).</p>`,
      categoryChartSvg(
        `score-${a}`,
        `Resilience score of ${app.application} and its experiments by month`,
        model.months,
        app.series,
        100,
        (v) => String(Math.round(v)),
      ),
    ];
    app.experiments.forEach((e, i) => {
      const own = model.runs.filter((r) => r.experiment === e.name);
      const measured = own.filter(
        (r) => r.recoverySeconds !== undefined || r.timeToDetectSeconds !== undefined,
      );
      parts.push(
        `<h3 data-experiment="${escapeHtml(e.name)}">${escapeHtml(e.name)}: recovery time and time to detect</h3>`,
      );
      if (measured.length === 0) {
        parts.push('<p class="note">No run has measured a recovery or a detection yet.</p>');
        return;
      }
      const values = measured.flatMap((r) => [r.recoverySeconds ?? 0, r.timeToDetectSeconds ?? 0]);
      parts.push(
        categoryChartSvg(
          `times-${a}-${i}`,
          `Recovery time and time to detect of ${e.name} per run, in seconds`,
          measured.map((r) => formatDay(r.at)),
          [
            { label: 'recovery time (s)', values: measured.map((r) => r.recoverySeconds) },
            {
              label: 'time to detect: fault start to first stop-condition alarm (s)',
              values: measured.map((r) => r.timeToDetectSeconds),
            },
          ],
          secondsMax(values),
          (v) => `${Math.round(v)} s`,
        ),
      );
    });
    parts.push('</section>');
    body.push(parts.join('\n'));
  });

  if (model.runs.length > 0) {
    const rows = [...model.runs]
      .reverse()
      .map((r) => {
        const journal = byRun.get(r.runId);
        const href = journal ? options.reportHref?.(journal) : undefined;
        const run = href ? `<a href="${escapeHtml(href)}">${escapeHtml(r.runId)}</a>` : escapeHtml(r.runId);
        return `<tr><td>${escapeHtml(formatDay(r.at))}</td><td>${run}</td><td>${escapeHtml(r.experiment)}</td><td>${badge(r.outcome)}</td><td class="num">${escapeHtml(formatSeconds(r.recoverySeconds))}</td><td class="num">${escapeHtml(formatSeconds(r.timeToDetectSeconds))}</td><td class="num">${escapeHtml(formatSeconds(r.timeToStopSeconds))}</td></tr>`;
      })
      .join('');
    body.push(
      `<section class="panel" data-section="runs"><h2>Runs</h2><table><thead><tr><th>date</th><th>run (report)</th><th>experiment</th><th>outcome</th><th class="num">recovery</th><th class="num">time to detect</th><th class="num">time to stop</th></tr></thead><tbody>${rows}</tbody></table></section>`,
    );
  }

  body.push(
    `<section class="panel" data-section="formula"><h2>How the score is computed</h2><p>Per experiment, runs oldest first: a pass moves the score halfway to 100, a deviation or an abort halfway to 0 (the newest run weighs ${SCORE_RULES.recencyWeight * 100} %); a skipped, failed or inconclusive run tested nothing and multiplies the score by ${SCORE_RULES.notTestedDecay}. With no tested run for more than ${SCORE_RULES.stalePeriods} cadence periods the experiment is stale: x ${SCORE_RULES.stalePenalty}, and x ${SCORE_RULES.stalePeriodDecay} for every further period. Never tested: 0. An application scores the mean of its experiments. Dry runs are not counted.</p></section>`,
  );

  const first = model.runs[0]?.at;
  const last = model.runs[model.runs.length - 1]?.at;
  const span = first && last ? `, ${formatDay(first)} to ${formatDay(last)}` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<p>${model.runs.length} experiment run${model.runs.length === 1 ? '' : 's'} from ${escapeHtml(options.source)}${escapeHtml(span)}. Generated ${escapeHtml(options.now.toISOString().slice(0, 16).replace('T', ' '))} UTC.</p>
</header>
<main>
${body.join('\n')}
</main>
<footer><p>Generated by chaos-cadence (<code>npx chaos-cadence history --html</code>).</p></footer>
</body>
</html>
`;
}
