/**
 * The timeline of one experiment: steady-state checks, fault start and stop, alarm transitions,
 * errors, in time order.
 */
import { stopSentence } from '../stop-text';
import { faultLabel } from '../fault-ref';
import type { ExperimentResult } from '../types';

/** What kind of event, for styling. */
export type TimelineKind = 'check-ok' | 'check-bad' | 'fault' | 'alarm' | 'ok' | 'stop' | 'error' | 'info';

/** One event. */
export interface TimelineEvent {
  readonly at: string;
  readonly kind: TimelineKind;
  readonly text: string;
}

/** The events of one experiment, sorted by time (stable for equal times). */
export function buildTimeline(result: ExperimentResult): TimelineEvent[] {
  const events: TimelineEvent[] = [{ at: result.startedAt, kind: 'info', text: 'experiment started' }];
  const before = result.steadyStateBefore;
  if (before) {
    const okCount = before.probes.filter((p) => p.ok).length;
    events.push({
      at: before.checkedAt,
      kind: before.steady ? 'check-ok' : 'check-bad',
      text: `steady state before the fault: ${before.steady ? 'steady' : 'NOT steady'} (${okCount}/${before.probes.length} probes ok)`,
    });
  }
  const { fault } = result;
  if (fault) {
    events.push({
      at: fault.startedAt,
      kind: 'fault',
      text: `fault started: ${faultLabel(fault)}${fault.dryRun ? ' (dry run)' : ''}`,
    });
  }
  for (const probe of result.during?.probes ?? []) {
    for (const segment of probe.segments.filter((s) => !s.ok)) {
      events.push({
        at: segment.from,
        kind: 'check-bad',
        text: `during the fault, ${probe.id} failed (${segment.checks} check(s) to ${segment.to.slice(11, 19)}): ${segment.observed}`,
      });
    }
  }
  for (const t of result.alarmTransitions) {
    events.push({
      at: t.at,
      kind: t.to === 'ALARM' ? 'alarm' : t.to === 'OK' ? 'ok' : 'info',
      text: `alarm ${t.alarmName}: ${t.from} -> ${t.to}`,
    });
  }
  if (result.stop) {
    events.push({
      at: result.stop.requestedAt,
      kind: 'stop',
      text: `${stopSentence(result.stop)} (reason: ${result.stop.reason})`,
    });
  }
  if (result.faultEndedAt) {
    events.push({
      at: result.faultEndedAt,
      kind: 'fault',
      text: `fault ended (${fault?.state ?? 'state unknown'})`,
    });
  }
  for (const check of result.steadyStateAfter) {
    const okCount = check.probes.filter((p) => p.ok).length;
    events.push({
      at: check.checkedAt,
      kind: check.steady ? 'check-ok' : 'check-bad',
      text: `steady state after, attempt ${check.attempt}: ${check.steady ? 'steady' : 'NOT steady'} (${okCount}/${check.probes.length} probes ok)`,
    });
  }
  if (result.error) {
    events.push({
      at: result.endedAt,
      kind: 'error',
      text: `error${result.error.state ? ` in ${result.error.state}` : ''}: ${result.error.error}`,
    });
  }
  events.push({
    at: result.endedAt,
    kind: 'info',
    text: `experiment ended: ${result.outcome.toUpperCase()}`,
  });
  return events
    .map((e, index) => ({ e, index, time: Date.parse(e.at) }))
    .sort((a, b) =>
      a.time === b.time || Number.isNaN(a.time - b.time) ? a.index - b.index : a.time - b.time,
    )
    .map(({ e }) => e);
}
