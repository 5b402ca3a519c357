/**
 * The facts of one experiment the verdict and its texts are built from: impact during and after the
 * fault, detection, recovery, capacity, the stop's confirmation. Every sentence of the card is
 * rendered from these, so no text can claim what the run did not see.
 */
import type {
  AlarmTransition,
  CapacityTrace,
  DuringProbe,
  DuringSummary,
  EffectResult,
  ExperimentPlan,
  Impact,
  SteadyStateCheck,
  StopResult,
} from '../shared/types';
import { worseImpact } from '../shared/vocabulary';

export { stopConfirmed, stopStateText } from '../shared/stop-text';

/** `2 min 5 s`, `45 s`. */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  const rest = s % 60;
  if (m === 0) return `${rest} s`;
  return rest === 0 ? `${m} min` : `${m} min ${rest} s`;
}

/** `10:02:15` (UTC). */
export function clock(iso: string): string {
  return new Date(iso).toISOString().slice(11, 19);
}

export function secondsBetween(from: string | undefined, to: string | undefined): number | undefined {
  if (from === undefined || to === undefined) return undefined;
  return Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
}

/** The impact a failing probe means: an HTTP probe failing is an outage, any other probe degraded. */
export function probeImpact(kind: DuringProbe['kind']): Impact {
  return kind === 'http' ? 'outage' : 'degraded';
}

/** A failing observation in a few words: `HTTP 503` rather than `HTTP 503 in 12 ms`. */
export function shortObservation(observed: string): string {
  return observed
    .replace(/ in \d+ ms$/, '')
    .replace(/ since \S+$/, '')
    .replace(/ \(worst of \d+ datapoints\)$/, '');
}

/** What the probe checks, for people: `GET https://shop.example.com/health`, `alarm sock-shop-5xx`. */
export function probeName(id: string): string {
  const colon = id.indexOf(':');
  const kind = id.slice(0, colon);
  const rest = id.slice(colon + 1);
  return kind === 'http' ? rest : `${kind} ${rest}`;
}

/** The facts the verdict judges and the card states. */
export interface Facts {
  readonly injected: boolean;
  readonly expectedImpact: Impact;
  readonly duringImpact: Impact;
  readonly afterImpact: Impact;
  /** Worst of during, alarms and after. */
  readonly impact: Impact;
  /** Probes that failed during the fault (impact evidence), alarm probes included. */
  readonly failedDuring: readonly DuringProbe[];
  readonly duringChecks: number;
  /** Failing probes of the first check after the fault. */
  readonly failedAfter: readonly string[];
  readonly alarmsFired: readonly AlarmTransition[];
  /** First impact seen: a non-alarm probe failing during the fault, else the first failing after-check. */
  readonly impactStartedAt?: string;
  /** First detection: a stop-condition alarm to ALARM, or an alarm probe failing, during the fault. */
  readonly detectedAt?: string;
  readonly detectedBy?: string;
  readonly timeToDetectSeconds?: number;
  readonly recovered: boolean;
  readonly afterChecks: number;
  readonly recoverySeconds?: number;
  readonly lastAfter?: SteadyStateCheck;
  readonly capacity: readonly CapacityTrace[];
  readonly effect?: EffectResult;
  readonly stop?: StopResult;
}

function failing(check: SteadyStateCheck | undefined): string[] {
  return (check?.probes ?? [])
    .filter((p) => !p.ok)
    .map((p) => `${p.id} (expected ${p.expected}, saw ${p.observed})`);
}

function capacityTraces(
  plan: ExperimentPlan,
  before: SteadyStateCheck | null,
  during: DuringSummary | undefined,
  after: readonly SteadyStateCheck[],
): CapacityTrace[] {
  const groups = [
    ...new Set(
      [...plan.steadyState, ...plan.recovery.expect].flatMap((p) =>
        p.kind === 'asgCapacity' ? [p.groupName] : [],
      ),
    ),
  ];
  return groups.flatMap((group) => {
    const ids = [...plan.steadyState, ...plan.recovery.expect]
      .filter((p) => p.kind === 'asgCapacity' && p.groupName === group)
      .map((p) => p.id);
    const valueIn = (check: SteadyStateCheck | null | undefined): number | undefined =>
      check?.probes.find((p) => ids.includes(p.id) && p.value !== undefined)?.value;
    const seen = [
      ...(during?.probes ?? [])
        .filter((p) => ids.includes(p.id))
        .flatMap((p) => (p.max !== undefined ? [p.max] : [])),
      ...after.flatMap((c) => {
        const v = valueIn(c);
        return v !== undefined ? [v] : [];
      }),
    ];
    const b = valueIn(before);
    const a = valueIn(after[after.length - 1]);
    const peak = seen.length > 0 ? Math.max(...seen, ...(b !== undefined ? [b] : [])) : undefined;
    if (b === undefined && peak === undefined && a === undefined) return [];
    return [
      {
        group,
        ...(b !== undefined ? { before: b } : {}),
        ...(peak !== undefined ? { peak } : {}),
        ...(a !== undefined ? { after: a } : {}),
      },
    ];
  });
}

/** What the verdict needs to gather the facts. */
export interface FactInput {
  readonly plan: ExperimentPlan;
  readonly injected: boolean;
  readonly before: SteadyStateCheck | null;
  readonly during?: DuringSummary;
  readonly transitions: readonly AlarmTransition[];
  readonly faultStartedAt?: string;
  readonly after: readonly SteadyStateCheck[];
  readonly recovered: boolean;
  readonly faultEndedAt?: string;
  readonly effect?: EffectResult;
  readonly stop?: StopResult | null;
}

/** Gathers the facts of one experiment. */
export function gatherFacts(input: FactInput): Facts {
  const failedDuring = (input.during?.probes ?? []).filter((p) => p.failures > 0);
  const duringImpact = failedDuring.reduce<Impact>(
    (worst, p) => worseImpact(worst, probeImpact(p.kind)),
    'none',
  );
  const alarmsFired = input.transitions.filter((t) => t.to === 'ALARM');
  const firstAfter = input.after[0];
  // recovery.expect probes say whether the system recovered as hoped (e.g. capacity grew), not impact.
  const recoveryIds = new Set(input.plan.recovery.expect.map((p) => p.id));
  const impactFailures = (check: SteadyStateCheck | undefined) =>
    (check?.probes ?? []).filter((p) => !p.ok && !recoveryIds.has(p.id));
  const afterImpact: Impact = impactFailures(firstAfter).some((p) => p.kind === 'http')
    ? 'outage'
    : input.after.some((c) => impactFailures(c).length > 0)
      ? 'degraded'
      : 'none';
  const impact = input.injected
    ? worseImpact(worseImpact(duringImpact, afterImpact), alarmsFired.length > 0 ? 'degraded' : 'none')
    : 'none';
  const impactProbeStarts = failedDuring
    .filter((p) => p.kind !== 'alarm')
    .flatMap((p) => (p.firstFailureAt !== undefined ? [p.firstFailureAt] : []))
    .sort();
  const firstFailingAfter = input.after.find((c) => impactFailures(c).length > 0)?.checkedAt;
  const impactStartedAt = impactProbeStarts[0] ?? (afterImpact !== 'none' ? firstFailingAfter : undefined);
  const detections = [
    ...alarmsFired
      .filter(
        (t) => input.faultStartedAt === undefined || Date.parse(t.at) >= Date.parse(input.faultStartedAt),
      )
      .map((t) => ({ at: t.at, by: `stop-condition alarm ${t.alarmName}` })),
    ...failedDuring
      .filter((p) => p.kind === 'alarm' && p.firstFailureAt !== undefined)
      .map((p) => ({ at: p.firstFailureAt as string, by: probeName(p.id) })),
  ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const detection = detections[0];
  const timeToDetect =
    detection && impactStartedAt !== undefined
      ? Date.parse(detection.at) >= Date.parse(impactStartedAt)
        ? secondsBetween(impactStartedAt, detection.at)
        : 0
      : undefined;
  const last = input.after[input.after.length - 1];
  const recoveredAt = input.recovered ? last?.checkedAt : undefined;
  const recoverySeconds =
    recoveredAt !== undefined ? secondsBetween(input.faultEndedAt, recoveredAt) : undefined;
  return {
    injected: input.injected,
    expectedImpact: input.plan.expectedImpact,
    duringImpact,
    afterImpact,
    impact,
    failedDuring,
    duringChecks: input.during?.checks ?? 0,
    failedAfter: failing(firstAfter),
    alarmsFired,
    ...(impactStartedAt !== undefined ? { impactStartedAt } : {}),
    ...(detection ? { detectedAt: detection.at, detectedBy: detection.by } : {}),
    ...(timeToDetect !== undefined ? { timeToDetectSeconds: timeToDetect } : {}),
    recovered: input.recovered,
    afterChecks: input.after.length,
    ...(recoverySeconds !== undefined ? { recoverySeconds } : {}),
    ...(last ? { lastAfter: last } : {}),
    capacity: input.injected ? capacityTraces(input.plan, input.before, input.during, input.after) : [],
    ...(input.effect ? { effect: input.effect } : {}),
    ...(input.stop ? { stop: input.stop } : {}),
  };
}

/** One line per failing during-fault probe: `GET https://.../health failed 12 of 24 checks over 3 min (worst HTTP 503)`. */
export function duringEvidence(p: DuringProbe): string {
  const span = secondsBetween(p.firstFailureAt, p.lastFailureAt) ?? 0;
  const over = span > 0 ? ` over ${duration(span)}` : '';
  const worst = p.worst ? `, worst ${shortObservation(p.worst.observed)}` : '';
  return `${probeName(p.id)} failed ${p.failures} of ${p.checks} checks during the fault${over}${worst}`;
}

export { failing as failingProbes };
