/**
 * The experiment card as data: what the plain-text email and the HTML report both lay out.
 * Built from one ExperimentResult (its plan snapshot included), so a journal alone can be re-rendered.
 */
import { faultIds, faultLabel } from '../fault-ref';
import type {
  DuringProbe,
  EffectResult,
  ExperimentResult,
  Finding,
  ProbeResult,
  SteadyStateCheck,
} from '../types';
import { STOPPED_BY_TEXT, stopSentence } from '../stop-text';
import { fisExperimentUrl, ssmCommandUrl, type LinkSettings } from './links';
import {
  formatSeconds,
  formatTime,
  impactLabel,
  OUTCOME_MEANING,
  outcomeLabel,
  secondsBetween,
} from './format';
import { impactRank } from '../vocabulary';

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

/** One probe while the fault ran, ready to show. */
export interface CardDuringProbe {
  readonly ok: boolean;
  readonly id: string;
  readonly summary: string;
}

/** One steady-state check, ready to show. */
export interface CardCheck {
  readonly phase: SteadyStateCheck['phase'];
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
  /** The probes while the fault ran (title and one line each); absent when none ran during it. */
  readonly during?: { readonly title: string; readonly probes: readonly CardDuringProbe[] };
  /** Effect verification: did the fault act? (absent when nothing was injected) */
  readonly effect: readonly CardField[];
  readonly fault: readonly CardField[];
  readonly conclusions: readonly CardField[];
  readonly automate: readonly string[];
  readonly digDeeper: readonly string[];
  readonly timings: readonly CardField[];
  /** Per-experiment links (FIS experiment or SSM command). */
  readonly links: readonly CardField[];
}

const DEFAULT_ADVICE: Partial<Record<ExperimentResult['outcome'], string>> = {
  skipped:
    'Nothing was injected. Look at the guard rails and the steady-state probes below that were not ok, fix the system or the probe, then run it again on demand: npx chaos-cadence run <experiment>.',
  failed:
    'The orchestration failed; the stop of any fault was requested (the Stop line says whether a read confirmed it). Open the Step Functions execution (link below), find the failed state and its error, fix the cause, then run it again on demand: npx chaos-cadence run <experiment>.',
  inconclusive:
    'Nothing was proven: the fault did not visibly act. Check the effect line below, fix the cause (SSM agent, stress tool, monitoring), then run it again on demand: npx chaos-cadence run <experiment>.',
};

const EFFECT_WORDS: Readonly<Record<EffectResult['status'], string>> = {
  seen: 'seen',
  partial: 'seen on some targets only',
  'not-seen': 'NOT seen',
  'no-data': 'not verified (no data)',
  unverified: 'unverified',
};

function effectFields(effect: EffectResult | undefined, injected: boolean): CardField[] {
  if (!injected) return [];
  if (!effect) return [{ label: 'Effect', value: 'unverified: this run recorded no effect check' }];
  return [
    { label: 'Effect', value: `${EFFECT_WORDS[effect.status]}: ${effect.detail}` },
    ...(effect.threshold !== undefined ? [{ label: 'Effect threshold', value: effect.threshold }] : []),
    ...(effect.command !== undefined ? [{ label: 'Command', value: effect.command }] : []),
  ];
}

function duringLine(p: DuringProbe): CardDuringProbe {
  const clockOf = (iso: string | undefined): string => (iso === undefined ? '-' : iso.slice(11, 19));
  const unevaluated = p.unevaluated > 0 ? `, ${p.unevaluated} not evaluated` : '';
  const range =
    p.min !== undefined && p.max !== undefined && p.kind !== 'http' ? `, values ${p.min} to ${p.max}` : '';
  if (p.failures === 0) {
    return { ok: true, id: p.id, summary: `held in all ${p.checks} checks${range}${unevaluated}` };
  }
  const longest =
    p.longestFailureSeconds > 0 ? `, longest failure ${formatSeconds(p.longestFailureSeconds)}` : '';
  return {
    ok: false,
    id: p.id,
    summary: `failed ${p.failures} of ${p.checks} checks (first ${clockOf(p.firstFailureAt)}, last ${clockOf(p.lastFailureAt)} UTC${longest}); worst: ${p.worst?.observed ?? '-'}${range}${unevaluated}`,
  };
}

function findingText(f: Finding): string {
  return `${f.answer}: ${f.text}`;
}

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
    phase: c.phase,
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
    const template = fault.templateId ? ` from template ${fault.templateId}` : '';
    fields.push({
      label: 'Fault',
      value: `${faultLabel(fault)}${template}, last state ${fault.state}${fault.dryRun ? ' (dry run: nothing injected)' : ''}`,
    });
    if (fault.targets && fault.targets.length > 0) {
      fields.push({ label: 'Targets', value: fault.targets.join(', ') });
    }
  }
  if (stop) {
    fields.push({ label: 'Stop', value: `${stopSentence(stop)} (reason: ${stop.reason})` });
  }
  if (result.stoppedBy) {
    fields.push({ label: 'Stopped by', value: STOPPED_BY_TEXT[result.stoppedBy] });
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
    { label: 'Time to detect', value: formatSeconds(result.timeToDetectSeconds) },
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
    for (const id of faultIds(result.fault))
      links.push({ label: 'SSM command', value: ssmCommandUrl(id, settings) });
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
    ...(injected && result.outcome !== 'inconclusive'
      ? { impactAsExpected: impactRank(result.observedImpact) <= impactRank(result.expectedImpact) }
      : {}),
    scope,
    duration: [
      { label: 'Fault', value: formatSeconds(plan.fault.durationSeconds) },
      { label: 'Hard stop after', value: formatSeconds(plan.fault.maxRunSeconds) },
      { label: 'Recovery window', value: formatSeconds(plan.recovery.windowSeconds) },
      { label: 'Poll interval', value: formatSeconds(plan.pollIntervalSeconds) },
    ],
    abortConditions: [
      ...plan.stopConditions.map((s) => `alarm ${s.alarmName} enters ALARM`),
      ...plan.steadyState.flatMap((p) =>
        p.stopAfterSeconds !== undefined
          ? [`probe ${p.id} fails continuously for ${formatSeconds(p.stopAfterSeconds)} during the fault`]
          : [],
      ),
      'the kill switch is turned on (npx chaos-cadence halt)',
      `the fault runs longer than ${formatSeconds(plan.fault.maxRunSeconds)}`,
    ],
    checks: checks(result),
    ...(result.during && result.during.probes.length > 0
      ? {
          during: {
            title: `Steady state during the fault (${result.during.checks} polls${result.during.firstAt !== undefined ? `, ${formatTime(result.during.firstAt)} to ${formatTime(result.during.lastAt)}` : ''}): ${result.during.probes.some((p) => p.failures > 0) ? 'NOT steady' : 'steady'}`,
            probes: result.during.probes.map(duringLine),
          },
        }
      : {}),
    effect: effectFields(result.effect, injected),
    fault: faultFields(result),
    conclusions: [
      { label: 'Expected', value: findingText(conclusions.expected) },
      { label: 'Detected', value: findingText(conclusions.detected) },
      { label: 'Handled', value: findingText(conclusions.handled) },
    ],
    automate: conclusions.automate,
    digDeeper: conclusions.digDeeper,
    timings: timings(result),
    links,
  };
}
