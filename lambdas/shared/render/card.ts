/**
 * The experiment card as data: what the plain-text email and the HTML report both lay out.
 * Built from one ExperimentResult (its plan snapshot included), so a journal alone can be re-rendered.
 */
import type { ExperimentResult, ProbeResult, SteadyStateCheck } from '../types';
import { fisExperimentUrl, ssmCommandUrl, type LinkSettings } from './links';
import {
  formatSeconds,
  formatTime,
  impactLabel,
  OUTCOME_MEANING,
  outcomeLabel,
  secondsBetween,
} from './format';

/** A label and a value. */
export interface CardField {
  readonly label: string;
  readonly value: string;
}

/** A probe result line. */
export interface CardProbe {
  readonly ok: boolean;
  readonly id: string;
  readonly expected: string;
  readonly observed: string;
}

/** One steady-state check, ready to show. */
export interface CardCheck {
  readonly title: string;
  readonly steady: boolean;
  readonly probes: readonly CardProbe[];
}

/** The experiment card of one result. */
export interface Card {
  readonly name: string;
  readonly application: string;
  readonly description?: string;
  readonly outcome: ExperimentResult['outcome'];
  readonly outcomeLabel: string;
  readonly outcomeMeaning: string;
  readonly reason: string;
  /** What to do next: for skipped and failed (a default when the result has none). */
  readonly advice?: string;
  readonly hypothesis: string;
  readonly expectedImpact: string;
  readonly observedImpact: string;
  /** Whether the observed impact is the expected one (undefined when nothing was injected). */
  readonly impactAsExpected?: boolean;
  readonly scope: readonly string[];
  readonly duration: readonly CardField[];
  readonly abortConditions: readonly string[];
  readonly checks: readonly CardCheck[];
  readonly fault: readonly CardField[];
  readonly conclusions: readonly CardField[];
  readonly digDeeper: readonly string[];
  readonly timings: readonly CardField[];
  /** Per-experiment links (FIS experiment or SSM command). */
  readonly links: readonly CardField[];
}

const DEFAULT_ADVICE: Partial<Record<ExperimentResult['outcome'], string>> = {
  skipped:
    'Nothing was injected. Look at the guard rails and the steady-state probes below that were not ok, fix the system or the probe, then run it again on demand: npx chaos-cadence run <experiment>.',
  failed:
    'The orchestration failed; any fault was stopped. Open the Step Functions execution (link below), find the failed state and its error, fix the cause, then run it again on demand: npx chaos-cadence run <experiment>.',
};

function probeLine(probe: ProbeResult): CardProbe {
  return {
    ok: probe.ok,
    id: probe.id,
    expected: probe.expected,
    observed: probe.error !== undefined ? `${probe.observed} (error: ${probe.error})` : probe.observed,
  };
}

function check(title: string, c: SteadyStateCheck): CardCheck {
  return {
    title: `${title}, ${formatTime(c.checkedAt)}: ${c.steady ? 'steady' : 'NOT steady'}`,
    steady: c.steady,
    probes: c.probes.map(probeLine),
  };
}

function checks(result: ExperimentResult): CardCheck[] {
  const list: CardCheck[] = [];
  if (result.steadyStateBefore) list.push(check('Steady state before the fault', result.steadyStateBefore));
  const after = result.steadyStateAfter;
  const last = after[after.length - 1];
  if (last) {
    // Only the first and latest checks are kept; the last one's attempt is how many were made.
    const made = Math.max(last.attempt, after.length);
    const attempts = made === 1 ? '1 check' : `${made} checks, showing the last`;
    list.push(check(`Steady state after the fault (${attempts})`, last));
  }
  return list;
}

function faultFields(result: ExperimentResult): CardField[] {
  const fields: CardField[] = [];
  const { fault, stop } = result;
  if (!fault) {
    fields.push({ label: 'Fault', value: 'not injected' });
  } else {
    const kind = fault.kind === 'fis' ? 'FIS experiment' : 'SSM command';
    const template = fault.templateId ? ` from template ${fault.templateId}` : '';
    fields.push({
      label: 'Fault',
      value: `${kind} ${fault.id}${template}, last state ${fault.state}${fault.dryRun ? ' (dry run: nothing injected)' : ''}`,
    });
    if (fault.targets && fault.targets.length > 0) {
      fields.push({ label: 'Targets', value: fault.targets.join(', ') });
    }
  }
  if (stop) {
    const already = stop.alreadyEnded ? ', it had already ended' : '';
    fields.push({
      label: 'Stop',
      value: `requested ${formatTime(stop.requestedAt)} (${stop.reason})${already}; confirmed state ${stop.confirmedState}`,
    });
  }
  fields.push({
    label: 'Alarm transitions',
    value:
      result.alarmTransitions.length === 0
        ? 'none seen while the fault ran'
        : result.alarmTransitions
            .map((t) => `${t.alarmName} ${t.from} -> ${t.to} at ${formatTime(t.at)}`)
            .join('; '),
  });
  if (result.error) {
    const where = result.error.state ? ` in state ${result.error.state}` : '';
    fields.push({ label: 'Error', value: `${result.error.error}${where}: ${result.error.cause}` });
  }
  return fields;
}

function timings(result: ExperimentResult): CardField[] {
  const fields: CardField[] = [
    { label: 'Started', value: formatTime(result.startedAt) },
    { label: 'Fault started', value: formatTime(result.fault?.startedAt) },
    { label: 'Fault ended', value: formatTime(result.faultEndedAt) },
    {
      label: 'Fault ran for',
      value: formatSeconds(secondsBetween(result.fault?.startedAt, result.faultEndedAt)),
    },
    { label: 'Time to stop', value: formatSeconds(result.timeToStopSeconds) },
    { label: 'Recovery', value: formatSeconds(result.recoverySeconds) },
    { label: 'Ended', value: formatTime(result.endedAt) },
    { label: 'Total', value: formatSeconds(secondsBetween(result.startedAt, result.endedAt)) },
  ];
  return fields;
}

/** Builds the card of one experiment. */
export function buildCard(
  result: ExperimentResult,
  settings: Pick<LinkSettings, 'region' | 'partition'>,
): Card {
  const { plan, conclusions } = result;
  const injected = result.fault !== undefined && !result.fault.dryRun;
  const advice = result.advice ?? DEFAULT_ADVICE[result.outcome];
  const cpu = plan.fault.cpuStress;
  const scope = [plan.fault.scope];
  if (cpu) {
    scope.push(
      `Blast radius: selection ${cpu.targets.selection} of instances tagged ${Object.entries(cpu.targets.tags)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`,
    );
  }
  const links: CardField[] = [];
  if (result.fault?.kind === 'fis' && !result.fault.dryRun) {
    links.push({ label: 'FIS experiment', value: fisExperimentUrl(result.fault.id, settings) });
  } else if (result.fault?.kind === 'ssm' && !result.fault.dryRun) {
    links.push({ label: 'SSM command', value: ssmCommandUrl(result.fault.id, settings) });
  }
  return {
    name: result.name,
    application: result.application,
    ...(plan.description !== undefined ? { description: plan.description } : {}),
    outcome: result.outcome,
    outcomeLabel: outcomeLabel(result.outcome),
    outcomeMeaning: OUTCOME_MEANING[result.outcome],
    reason: result.reason,
    ...(advice !== undefined ? { advice: advice.replace('<experiment>', result.name) } : {}),
    hypothesis: result.hypothesis,
    expectedImpact: impactLabel(result.expectedImpact),
    observedImpact: injected ? impactLabel(result.observedImpact) : 'not measured (no fault was injected)',
    ...(injected ? { impactAsExpected: result.observedImpact === result.expectedImpact } : {}),
    scope,
    duration: [
      { label: 'Fault', value: formatSeconds(plan.fault.durationSeconds) },
      { label: 'Hard stop after', value: formatSeconds(plan.fault.maxRunSeconds) },
      { label: 'Recovery window', value: formatSeconds(plan.recovery.windowSeconds) },
      { label: 'Poll interval', value: formatSeconds(plan.pollIntervalSeconds) },
    ],
    abortConditions: [
      ...plan.stopConditions.map((s) => `alarm ${s.alarmName} enters ALARM`),
      'the kill switch is turned on (npx chaos-cadence halt)',
      `the fault runs longer than ${formatSeconds(plan.fault.maxRunSeconds)}`,
    ],
    checks: checks(result),
    fault: faultFields(result),
    conclusions: [
      {
        label: 'Expected',
        value: conclusionText(
          conclusions.expected,
          'the system behaved as the hypothesis said',
          'the system did not behave as the hypothesis said',
        ),
      },
      {
        label: 'Detected',
        value: conclusionText(
          conclusions.detected,
          'monitoring saw the impact (or there was none to see)',
          'monitoring did not see the impact',
        ),
      },
      {
        label: 'Handled',
        value: conclusionText(
          conclusions.handled,
          'the system returned to steady state by itself in the recovery window',
          'the system did not return to steady state by itself in the recovery window',
        ),
      },
    ],
    digDeeper: conclusions.digDeeper,
    timings: timings(result),
    links,
  };
}

function conclusionText(value: boolean, yes: string, no: string): string {
  return value ? `yes: ${yes}` : `no: ${no}`;
}
