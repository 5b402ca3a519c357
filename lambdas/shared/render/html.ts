/**
 * The HTML report of a run: self-contained (inline CSS and SVG; a Content-Security-Policy that
 * forbids loading anything), laid out as the experiment card, readable on screen and on paper.
 * Every piece of user or AWS text is escaped.
 */
import type { ExperimentResult, Impact, Outcome, RunJournal } from '../types';
import { buildCard, type Card, type CardField } from './card';
import { renderLegendHtml, renderPanelSvg, type ExperimentChart } from './chart';
import { escapeHtml } from './escape';
import { formatClock, formatTime, outcomeLabel } from './format';
import type { LinkSettings, RunLinks } from './links';
import { buildTimeline } from './timeline';
import { TREND_CSS, trendHtml, type RunTrends } from './trend';

/** What the report needs besides the journal. */
export interface ReportOptions {
  readonly settings: Pick<LinkSettings, 'region' | 'partition'>;
  /** Console links (the presigned one is not used: it would point at the report itself). */
  readonly links: RunLinks;
  /** Chart data per experiment name; a missing entry renders "no chart". */
  readonly charts: Readonly<Record<string, ExperimentChart>>;
  /** Each experiment's resilience trend (a section after the chart). @default - no trend section */
  readonly trends?: RunTrends;
}

/** Background and text colours per outcome (text always says the outcome too). */
export const OUTCOME_COLOURS: Readonly<Record<Outcome, { readonly bg: string; readonly fg: string }>> = {
  passed: { bg: '#1b7f3b', fg: '#ffffff' },
  deviated: { bg: '#b35c00', fg: '#ffffff' },
  aborted: { bg: '#b00020', fg: '#ffffff' },
  skipped: { bg: '#5f6368', fg: '#ffffff' },
  failed: { bg: '#6a1b9a', fg: '#ffffff' },
};

const IMPACTS: readonly Impact[] = ['none', 'degraded', 'outage'];

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; margin: 0; color: #1a1a1a; background: #f5f6f8; line-height: 1.45; font-size: 15px; }
header.run, main, footer { max-width: 1000px; margin: 0 auto; padding: 16px 20px; }
header.run h1 { font-size: 1.4rem; margin: 0 0 6px; }
.meta { display: flex; flex-wrap: wrap; gap: 4px 20px; color: #444; font-size: 0.9rem; margin: 0; }
.meta div { margin: 0; } .meta dt { display: inline; font-weight: 600; } .meta dd { display: inline; margin: 0 0 0 4px; }
.summary { list-style: none; padding: 0; margin: 10px 0 0; display: flex; flex-wrap: wrap; gap: 8px; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 4px; font-weight: 700; letter-spacing: 0.04em; font-size: 0.85rem; border: 2px solid transparent; }
${(Object.keys(OUTCOME_COLOURS) as Outcome[])
  .map(
    (o) =>
      `.badge.${o} { background: ${OUTCOME_COLOURS[o].bg}; color: ${OUTCOME_COLOURS[o].fg}; border-color: ${OUTCOME_COLOURS[o].bg}; }\narticle.card.${o} { border-top: 8px solid ${OUTCOME_COLOURS[o].bg}; }`,
  )
  .join('\n')}
article.card { background: #fff; border: 1px solid #d7dae0; border-radius: 6px; padding: 16px 20px; margin: 0 0 24px; }
article.card > h2 { margin: 0 0 4px; font-size: 1.25rem; display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
.reason { margin: 4px 0 8px; font-size: 1rem; }
.advice { background: #fff8e1; border-left: 4px solid #b35c00; padding: 8px 12px; margin: 8px 0; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 0 24px; }
section { margin: 12px 0 0; break-inside: avoid; }
section h3 { font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.06em; color: #555; margin: 0 0 4px; border-bottom: 1px solid #e3e5e8; padding-bottom: 2px; }
dl.fields { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
dl.fields dt { font-weight: 600; color: #333; } dl.fields dd { margin: 0; overflow-wrap: anywhere; }
ul, ol { margin: 0; padding-left: 20px; }
.impacts { display: flex; gap: 8px; list-style: none; padding: 0; margin: 6px 0 0; flex-wrap: wrap; }
.impacts li { border: 1px solid #bbb; border-radius: 4px; padding: 2px 8px; color: #666; }
.impacts li.expected { border: 2px solid #1a1a1a; color: #1a1a1a; font-weight: 700; }
.impacts li.observed { background: #e8eefc; color: #1a1a1a; }
table.probes { border-collapse: collapse; width: 100%; font-size: 0.9rem; margin: 4px 0 8px; }
table.probes caption { text-align: left; font-weight: 600; padding: 4px 0; }
table.probes th, table.probes td { border-bottom: 1px solid #e3e5e8; text-align: left; padding: 3px 6px; vertical-align: top; overflow-wrap: anywhere; }
.ok { color: #1b7f3b; font-weight: 700; } .bad { color: #b00020; font-weight: 700; }
ol.timeline { list-style: none; padding: 0; border-left: 3px solid #d7dae0; margin-left: 6px; }
ol.timeline li { padding: 2px 0 2px 12px; position: relative; font-size: 0.9rem; }
ol.timeline li::before { content: ""; position: absolute; left: -8px; top: 8px; width: 11px; height: 11px; border-radius: 50%; background: #9aa0a6; }
ol.timeline li.ev-fault::before, ol.timeline li.ev-stop::before { background: #b35c00; }
ol.timeline li.ev-alarm::before, ol.timeline li.ev-error::before, ol.timeline li.ev-check-bad::before { background: #b00020; }
ol.timeline li.ev-ok::before, ol.timeline li.ev-check-ok::before { background: #1b7f3b; }
ol.timeline time { font-family: ui-monospace, Menlo, Consolas, monospace; color: #444; margin-right: 8px; }
svg.chart { width: 100%; height: auto; display: block; background: #fff; }
.legend { list-style: none; padding: 0; margin: 2px 0 10px; display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 0.85rem; }
.swatch { display: inline-block; width: 18px; height: 0; border-top: 3px solid; vertical-align: middle; margin-right: 6px; }
.swatch.threshold { border-top: 2px dashed #b00020; }
.note, .nodata { color: #555; font-style: italic; }
a { color: #0b57d0; overflow-wrap: anywhere; }
footer { color: #555; font-size: 0.85rem; }
@media print {
  body { background: #fff; font-size: 11pt; }
  header.run, main, footer { max-width: none; padding: 0; }
  article.card { border: 1px solid #999; break-before: page; page-break-before: always; }
  article.card:first-of-type { break-before: auto; page-break-before: auto; }
  .badge, article.card, .impacts li.observed, svg.chart rect.fault { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: #000; }
  a[href^="http"]::after { content: " (" attr(href) ")"; font-size: 8pt; color: #444; }
}
`;

function fieldsHtml(fields: readonly CardField[]): string {
  return `<dl class="fields">${fields
    .map((f) => `<dt>${escapeHtml(f.label)}</dt><dd>${escapeHtml(f.value)}</dd>`)
    .join('')}</dl>`;
}

function section(name: string, title: string, body: string): string {
  return `<section data-section="${name}"><h3>${escapeHtml(title)}</h3>${body}</section>`;
}

function badge(outcome: Outcome): string {
  return `<span class="badge ${outcome}" data-outcome="${outcome}">${outcomeLabel(outcome)}</span>`;
}

function impactsHtml(result: ExperimentResult, injected: boolean): string {
  const items = IMPACTS.map((impact) => {
    const classes = [
      impact === result.expectedImpact ? 'expected' : '',
      injected && impact === result.observedImpact ? 'observed' : '',
    ].filter((c) => c.length > 0);
    const marks = [
      impact === result.expectedImpact ? 'expected' : '',
      injected && impact === result.observedImpact ? 'observed' : '',
    ].filter((m) => m.length > 0);
    const suffix = marks.length > 0 ? ` (${marks.join(', ')})` : '';
    return `<li class="${classes.join(' ')}">${impact}${suffix}</li>`;
  });
  return `<ul class="impacts" aria-label="impact scale">${items.join('')}</ul>`;
}

function checksHtml(card: Card): string {
  if (card.checks.length === 0) return '<p class="note">No steady-state check was recorded.</p>';
  return card.checks
    .map(
      (c) =>
        `<table class="probes"><caption>${escapeHtml(c.title)}</caption><thead><tr><th>result</th><th>probe</th><th>expected</th><th>observed</th></tr></thead><tbody>${c.probes
          .map(
            (p) =>
              `<tr><td class="${p.ok ? 'ok' : 'bad'}">${p.ok ? 'ok' : 'NOT OK'}</td><td>${escapeHtml(p.id)}</td><td>${escapeHtml(p.expected)}</td><td>${escapeHtml(p.observed)}</td></tr>`,
          )
          .join('')}</tbody></table>`,
    )
    .join('');
}

function chartHtml(result: ExperimentResult, chart: ExperimentChart | undefined, index: number): string {
  if (!chart) {
    return `<p class="nodata">${result.fault ? 'No chart data for this run.' : 'No fault was injected, so there is no chart.'}</p>`;
  }
  const note = chart.note !== undefined ? `<p class="note">${escapeHtml(chart.note)}</p>` : '';
  const panels = chart.panels
    .map((panel, p) => `${renderPanelSvg(chart, panel, `chart-${index}-${p}`)}${renderLegendHtml(panel)}`)
    .join('');
  const window = `<p class="note">Run window ${escapeHtml(formatTime(chart.start))} to ${escapeHtml(formatTime(chart.end))}; the shaded band is the fault.</p>`;
  return `${note}${panels || '<p class="nodata">No metrics to chart.</p>'}${window}`;
}

function cardHtml(result: ExperimentResult, options: ReportOptions, index: number): string {
  const card = buildCard(result, options.settings);
  const injected = result.fault !== undefined && !result.fault.dryRun;
  const parts: string[] = [];
  parts.push(
    `<article class="card ${card.outcome}" id="experiment-${index}" data-experiment="${escapeHtml(card.name)}">`,
    `<h2>${escapeHtml(card.name)} ${badge(card.outcome)}</h2>`,
    `<p class="reason"><strong>${card.outcomeLabel}:</strong> ${escapeHtml(card.reason)}</p>`,
    `<p class="note">${escapeHtml(card.outcomeMeaning)}</p>`,
  );
  if (card.advice !== undefined) {
    parts.push(
      `<div class="advice" role="note"><strong>What to do:</strong> ${escapeHtml(card.advice)}</div>`,
    );
  }
  parts.push('<div class="grid">');
  parts.push(section('application', 'Application', `<p>${escapeHtml(card.application)}</p>`));
  parts.push(
    section(
      'experiment',
      'Experiment',
      fieldsHtml([
        { label: 'Name', value: card.name },
        ...(card.description !== undefined ? [{ label: 'Description', value: card.description }] : []),
      ]),
    ),
  );
  parts.push('</div>');
  parts.push(
    section(
      'hypothesis',
      'Hypothesis',
      `<p>${escapeHtml(card.hypothesis)}</p><p>Expected impact: <strong>${escapeHtml(card.expectedImpact)}</strong></p>${impactsHtml(result, injected)}`,
    ),
  );
  parts.push('<div class="grid">');
  parts.push(
    section(
      'scope',
      'Scope of failure',
      `<ul>${card.scope.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>`,
    ),
  );
  parts.push(section('duration', 'Duration', fieldsHtml(card.duration)));
  parts.push('</div>');
  parts.push(
    section(
      'abort-conditions',
      'Abort conditions (any one stops the fault)',
      `<ul>${card.abortConditions.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>`,
    ),
  );
  const asExpected =
    card.impactAsExpected === undefined
      ? []
      : [
          {
            label: 'As expected?',
            value: card.impactAsExpected ? 'yes' : 'NO: observed differs from expected',
          },
        ];
  parts.push(
    section(
      'results',
      'Results',
      `${fieldsHtml([
        { label: 'Outcome', value: card.outcomeLabel },
        { label: 'Observed impact', value: card.observedImpact },
        { label: 'Expected impact', value: card.expectedImpact },
        ...asExpected,
        ...card.fault,
      ])}${checksHtml(card)}`,
    ),
  );
  const digDeeper =
    card.digDeeper.length === 0
      ? '<p class="note">Nothing noted.</p>'
      : `<ul>${card.digDeeper.map((d) => `<li>${escapeHtml(d)}</li>`).join('')}</ul>`;
  parts.push(
    section('conclusions', 'Conclusions', `${fieldsHtml(card.conclusions)}<h4>Dig deeper</h4>${digDeeper}`),
  );
  parts.push('<div class="grid">');
  parts.push(section('timings', 'Timings (UTC)', fieldsHtml(card.timings)));
  const events = buildTimeline(result)
    .map(
      (e) =>
        `<li class="ev-${e.kind}"><time datetime="${escapeHtml(e.at)}">${escapeHtml(formatClock(e.at))}</time>${escapeHtml(e.text)}</li>`,
    )
    .join('');
  parts.push(section('timeline', 'Timeline (UTC)', `<ol class="timeline">${events}</ol>`));
  parts.push('</div>');
  parts.push(
    section(
      'chart',
      'Target CPU and stop-condition metrics over the run',
      chartHtml(result, options.charts[result.name], index),
    ),
  );
  const trend = trendHtml(result.name, options.trends);
  if (trend !== '') parts.push(trend);
  if (card.links.length > 0) {
    parts.push(
      section(
        'links',
        'Links',
        `<ul>${card.links.map((l) => `<li><a href="${escapeHtml(l.value)}">${escapeHtml(l.label)}</a></li>`).join('')}</ul>`,
      ),
    );
  }
  parts.push('</article>');
  return parts.join('\n');
}

/** Renders the whole report of a run. */
export function renderReportHtml(journal: RunJournal, options: ReportOptions): string {
  const title = `chaos-cadence run ${journal.runId}`;
  const summary = journal.experiments
    .map(
      (r) =>
        `<li><a href="#experiment-${journal.experiments.indexOf(r)}">${escapeHtml(r.name)}</a> ${badge(r.outcome)}</li>`,
    )
    .join('');
  const guard =
    journal.guardRails && !journal.guardRails.allowed
      ? `<p class="advice"><strong>Guard rails did not allow the run:</strong> ${escapeHtml(journal.guardRails.reason ?? 'no reason given')}</p>`
      : '';
  const none =
    journal.experiments.length === 0 ? '<p class="note">No experiment ran, so nothing was injected.</p>' : '';
  const meta: CardField[] = [
    { label: 'Trigger', value: journal.trigger + (journal.dryRun ? ' (dry run: nothing injected)' : '') },
    { label: 'Started', value: formatTime(journal.startedAt) },
    { label: 'Ended', value: formatTime(journal.endedAt) },
    { label: 'Config hash', value: journal.configHash.slice(0, 12) },
  ];
  const { links } = options;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${CSS}${options.trends ? TREND_CSS : ''}</style>
</head>
<body>
<header class="run">
<h1>${escapeHtml(title)}</h1>
<dl class="meta">${meta.map((m) => `<div><dt>${escapeHtml(m.label)}:</dt><dd>${escapeHtml(m.value)}</dd></div>`).join('')}</dl>
<ul class="summary">${summary}</ul>
${guard}${none}
</header>
<main>
${journal.experiments.map((r, i) => cardHtml(r, options, i)).join('\n')}
</main>
<footer>
<p><a href="${escapeHtml(links.execution)}">Step Functions execution</a> · <a href="${escapeHtml(links.dashboard)}">Dashboard</a> · <a href="${escapeHtml(links.journalConsole)}">Run journal (JSON)</a></p>
<p>Generated by chaos-cadence. To halt all runs and stop a running fault: <code>npx chaos-cadence halt</code>.</p>
</footer>
</body>
</html>
`;
}
