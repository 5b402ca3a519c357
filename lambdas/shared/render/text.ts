/**
 * The plain-text email: the experiment card per experiment, readable in any mail client
 * (fixed labels, wrapped at 78 columns, links on their own lines).
 */
import type { RunJournal } from '../types';
import { buildCard, type Card, type CardField } from './card';
import { formatTime } from './format';
import type { LinkSettings, RunLinks } from './links';
import { trendTextLines, type RunTrends } from './trend';

const WIDTH = 78;
const LABEL = 20;

/** Wraps words to `width` columns; every line after the first is indented by `indent`. */
export function wrap(text: string, width: number, indent: string, firstIndent = ''): string {
  const words = text.split(/\s+/).filter((w) => w.length > 0);
  const lines: string[] = [];
  let line = firstIndent;
  let lineHasWord = false;
  for (const word of words) {
    const candidate = lineHasWord ? `${line} ${word}` : `${line}${word}`;
    if (lineHasWord && candidate.length > width) {
      lines.push(line);
      line = `${indent}${word}`;
    } else {
      line = candidate;
    }
    lineHasWord = true;
  }
  lines.push(line);
  return lines.join('\n');
}

function field(label: string, value: string): string {
  return wrap(value, WIDTH, ' '.repeat(LABEL), `${label.padEnd(LABEL - 1)} `);
}

function fields(list: readonly CardField[]): string[] {
  return list.map((f) => field(f.label, f.value));
}

function bullets(items: readonly string[], indent = '  '): string[] {
  return items.map((item) => wrap(item, WIDTH, `${indent}  `, `${indent}- `));
}

function heading(title: string): string[] {
  return ['', title, '-'.repeat(title.length)];
}

function cardText(card: Card): string[] {
  const out: string[] = [];
  const title = `EXPERIMENT CARD: ${card.name} - ${card.outcomeLabel}`;
  out.push(title, '='.repeat(Math.min(title.length, WIDTH)));
  out.push(field('Outcome', `${card.outcomeLabel}: ${card.outcomeMeaning}`));
  out.push(field('Why', card.reason));
  if (card.advice !== undefined) out.push(field('What to do', card.advice));
  out.push(...heading('Experiment'));
  out.push(field('Application', card.application));
  out.push(field('Experiment', card.name));
  if (card.description !== undefined) out.push(field('Description', card.description));
  out.push(...heading('Hypothesis'));
  out.push(wrap(card.hypothesis, WIDTH, ''));
  out.push(field('Expected impact', `>> ${card.expectedImpact} <<`));
  out.push(...heading('Scope of failure'));
  out.push(...bullets(card.scope, ''));
  out.push(...heading('Duration'));
  out.push(...fields(card.duration));
  out.push(...heading('Abort conditions (any stops the fault)'));
  out.push(...bullets(card.abortConditions, ''));
  out.push(...heading('Results'));
  out.push(field('Observed impact', card.observedImpact));
  out.push(field('Expected impact', card.expectedImpact));
  if (card.impactAsExpected !== undefined) {
    out.push(field('As expected?', card.impactAsExpected ? 'yes' : 'NO: observed differs from expected'));
  }
  out.push(...fields(card.fault));
  for (const c of card.checks) {
    out.push('', wrap(c.title, WIDTH, '  '));
    for (const p of c.probes) {
      out.push(
        wrap(
          `${p.id}: expected ${p.expected}; observed ${p.observed}`,
          WIDTH,
          '         ',
          `  [${p.ok ? 'ok' : 'NOT OK'}] `,
        ),
      );
    }
  }
  out.push(...heading('Conclusions'));
  out.push(...fields(card.conclusions));
  if (card.digDeeper.length === 0) {
    out.push(field('Dig deeper', 'nothing noted'));
  } else {
    out.push('Dig deeper', ...bullets(card.digDeeper));
  }
  out.push(...heading('Timings (UTC)'));
  out.push(...fields(card.timings));
  if (card.links.length > 0) {
    out.push('');
    for (const link of card.links) out.push(`${link.label}:`, `  ${link.value}`);
  }
  return out;
}

/**
 * The whole email body for a run.
 * @param settings region and partition for the per-experiment console links
 * @param trends each experiment's resilience trend, written after its card
 */
export function renderEmailText(
  journal: RunJournal,
  links: RunLinks,
  settings: Pick<LinkSettings, 'region' | 'partition'>,
  trends?: RunTrends,
): string {
  const out: string[] = [];
  const dry = journal.dryRun ? ' (DRY RUN: nothing was injected)' : '';
  out.push(`chaos-cadence run ${journal.runId}${dry}`);
  out.push(field('Trigger', journal.trigger));
  out.push(field('Run', `${formatTime(journal.startedAt)} to ${formatTime(journal.endedAt)}`));
  out.push(
    field('Config hash', `${journal.configHash.slice(0, 12)} (sha256, first 12; full in the journal)`),
  );
  if (journal.guardRails && !journal.guardRails.allowed) {
    out.push(
      field('Guard rails', `did not allow the run: ${journal.guardRails.reason ?? 'no reason given'}`),
    );
  }
  if (journal.experiments.length === 0) {
    out.push(
      '',
      wrap(
        'No experiment ran, so nothing was injected. Check the guard rails above (kill switch, another run in progress, change calendar, allowed hours) and run again on demand with: npx chaos-cadence run <experiment>',
        WIDTH,
        '',
      ),
    );
  }
  if (journal.experiments.length > 1) {
    out.push('', 'Experiments in this run:');
    for (const r of journal.experiments)
      out.push(wrap(`${r.name}: ${r.outcome.toUpperCase()} - ${r.reason}`, WIDTH, '    ', '  - '));
  }
  for (const result of journal.experiments) {
    out.push('', '', ...cardText(buildCard(result, settings)));
    const trend = trendTextLines(result.name, trends, LABEL);
    if (trend) out.push('', ...trend);
  }
  out.push('', '', 'LINKS', '-----');
  out.push('Step Functions execution:', `  ${links.execution}`);
  out.push('Dashboard (resilience over time):', `  ${links.dashboard}`);
  if (links.reportPresigned !== undefined) {
    out.push('HTML report (presigned link, valid up to 7 days):', `  ${links.reportPresigned}`);
    out.push(
      wrap(
        "Note: the presigned link is signed with the publishing Lambda function's temporary credentials and stops working when those expire, which can be sooner than 7 days. The S3 console links below always work for anyone allowed to read the results bucket.",
        WIDTH,
        '  ',
        '  ',
      ),
    );
  }
  out.push('HTML report in the S3 console:', `  ${links.reportConsole}`);
  out.push('Run journal (JSON) in the S3 console:', `  ${links.journalConsole}`);
  out.push(
    '',
    '--',
    'Sent by chaos-cadence.',
    'To halt all runs and stop a running fault: npx chaos-cadence halt',
  );
  return `${out.join('\n')}\n`;
}
