import { formatRun } from '../../../lib/cadence/next-runs';
import type { ManifestGroup } from '../../preflight/manifest';
import type { PreflightCheck, PreflightReport } from '../../preflight/report';
import type { ExperimentPlan } from '../types';
import { formatSeconds } from './format';

/** What a heads-up email announces: one run of one cadence group, and the preflight's answer. */
export interface HeadsUp {
  readonly group: ManifestGroup;
  /** The run announced. */
  readonly run: Date;
  /** The plans of the experiments it runs, in order. */
  readonly plans: readonly ExperimentPlan[];
  readonly report: PreflightReport;
}

const WIDTH = 78;

/** `Tue 5 Jan 10:00 CET`: the run time for a subject line, in the cadence's zone. */
export function subjectTime(run: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(run);
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  const zone = formatRun(run, timeZone).split(' ').pop() ?? timeZone;
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('hour')}:${part('minute')} ${zone}`;
}

/**
 * The subject: `[chaos-cadence] NOT READY: web-cpu-80 on Tue 5 Jan 10:00 CET` when a check failed,
 * else `[chaos-cadence] heads-up: web-cpu-80 on Tue 5 Jan 10:00 CET`. SNS allows 100 characters.
 */
export function headsUpSubject(headsUp: HeadsUp): string {
  const names = headsUp.plans.map((p) => p.name);
  const what = names.length <= 2 ? names.join(', ') : `${names.length} experiments`;
  const label = headsUp.report.ready ? 'heads-up' : 'NOT READY';
  const subject = `[chaos-cadence] ${label}: ${what} on ${subjectTime(headsUp.run, headsUp.group.timeZone)}`;
  return subject.length <= 100 ? subject : `${subject.slice(0, 99)}…`;
}

function field(name: string, value: string): string[] {
  const lines = wrap(value, WIDTH - 20);
  return lines.map((line, i) => `${i === 0 ? name.padEnd(20) : ' '.repeat(20)}${line}`);
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.length ? lines : [''];
}

function heading(text: string, underline = '-'): string[] {
  return [text, underline.repeat(Math.min(text.length, WIDTH))];
}

function checkLines(check: PreflightCheck): string[] {
  const mark = { ok: '[ok]  ', warn: '[WARN]', fail: '[FAIL]' }[check.status];
  const body = wrap(`${check.id}: ${check.detail}`, WIDTH - 9).map(
    (l, i) => `${i === 0 ? `${mark} ` : '       '}${l}`,
  );
  const fix = check.fix ? wrap(`fix: ${check.fix}`, WIDTH - 9).map((l) => `       ${l}`) : [];
  return [...body, ...fix];
}

/** The configured selection, and what the preflight found it selects now. */
function blastRadius(selection: string, experiment: string, report: PreflightReport): string {
  const now = report.checks.find((c) => c.id === `targets:${experiment}`);
  return `selection ${selection} of the tagged running instances${now ? `; now: ${now.detail}` : ''}`;
}

function utc(run: Date): string {
  return `${run.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The heads-up card as plain text: what runs when, scope, abort conditions, readiness, how to skip. */
export function renderHeadsUpText(headsUp: HeadsUp): string {
  const { group, run, plans, report } = headsUp;
  const fails = report.checks.filter((c) => c.status === 'fail');
  const warns = report.checks.filter((c) => c.status === 'warn');
  const lead = Math.round((run.getTime() - Date.parse(report.checkedAt)) / 3_600_000);
  const title = `chaos-cadence heads-up: ${plans.map((p) => p.name).join(', ')}`;
  const readiness = report.ready
    ? `READY: all ${report.checks.length} checks passed${warns.length ? ` (${warns.length} warning${warns.length > 1 ? 's' : ''})` : ''}`
    : `NOT READY: ${fails.length} check${fails.length > 1 ? 's' : ''} failed${warns.length ? `, ${warns.length} warning${warns.length > 1 ? 's' : ''}` : ''}; as things stand the run will not go as planned`;
  const lines: string[] = [
    ...heading(title, '='),
    ...field('When', `${formatRun(run, group.timeZone)} (${utc(run)}), in about ${lead} h`),
    ...field('Cadence', `${group.expression} in ${group.timeZone} (${group.group} cadence)`),
    ...field('Preflight', `${readiness}; checked ${utc(new Date(report.checkedAt))}`),
    '',
  ];
  for (const plan of plans) {
    const fault = plan.fault;
    lines.push(
      ...heading(`Experiment ${plan.name} (${plan.application})`),
      ...field('Hypothesis', plan.hypothesis),
      ...field('Scope', fault.scope),
      ...(fault.cpuStress
        ? field('Blast radius', blastRadius(fault.cpuStress.targets.selection, plan.name, report))
        : []),
      ...field(
        'Duration',
        `${formatSeconds(fault.durationSeconds)}; stopped after ${formatSeconds(fault.maxRunSeconds)} at the latest`,
      ),
      'Abort conditions (any stops the fault)',
      ...plan.stopConditions.map((s) => `- alarm ${s.alarmName} enters ALARM`),
      '- the kill switch is turned on (npx chaos-cadence halt)',
      `- the fault runs longer than ${formatSeconds(fault.maxRunSeconds)}`,
      '',
    );
  }
  const ordered = [...fails, ...warns, ...report.checks.filter((c) => c.status === 'ok')];
  lines.push(...heading('Preflight checks'), ...ordered.flatMap(checkLines), '');
  lines.push(
    ...heading('How to skip this run'),
    ...wrap(
      'Turn the kill switch on before the run: it is then skipped (recorded as skipped, nothing injected). Turn it off after the run time, or the following runs are skipped too.',
      WIDTH,
    ),
    '',
    '  npx chaos-cadence halt --reason "skip this run"',
    '  npx chaos-cadence resume',
    '',
    ...wrap('Check again at any time: npx chaos-cadence preflight', WIDTH),
    '',
  );
  return lines.join('\n');
}
