import type { AbortEvent } from '../../lambdas/abort-on-event/abort-on-event';
import { resolveTime, type Scenario } from './scenario';

/**
 * EventBridge in the simulated account: the events the abort-on-event rules match (a stop-condition
 * alarm entering ALARM, the kill-switch parameter changing), delivered at their virtual time plus the
 * scenario's delivery delay (`events.deliveryDelaySeconds`, default 1 s), or dropped (`events.drop`)
 * to show the poll fallback. Times of `fault+` entries are known once the fault starts, so the account
 * schedules them then; a parameter written during the run (PutParameter) is delivered from that write.
 */

/** Where and what to deliver. */
export interface EventDeliveryOptions {
  /** Alarms the rule matches (the stack's stop-condition alarms). */
  readonly alarmNames: readonly string[];
  /** The kill-switch parameter the rule matches. */
  readonly killSwitchParameter: string;
  /** The rule's target: the abort-on-event function (its errors are the caller's to record). */
  readonly deliver: (event: AbortEvent) => Promise<unknown>;
}

/** One event of the scenario's timelines, with the moment of its transition. */
export interface TimedEvent {
  readonly atMs: number;
  readonly event: AbortEvent;
}

/** An event the simulated EventBridge delivered or dropped. */
export interface DeliveredEvent {
  /** ISO time of the transition. */
  readonly transitionAt: string;
  /** ISO time of the delivery (absent when dropped). */
  readonly deliveredAt?: string;
  readonly dropped: boolean;
  readonly event: AbortEvent;
  /** `<name>: <message>` when the function failed. */
  readonly error?: string;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The "CloudWatch Alarm State Change" event of an alarm entering ALARM at `atMs`. */
export function alarmEvent(alarmName: string, previous: string, atMs: number): AbortEvent {
  return {
    source: 'aws.cloudwatch',
    'detail-type': 'CloudWatch Alarm State Change',
    time: iso(atMs),
    detail: {
      alarmName,
      state: { value: 'ALARM', timestamp: iso(atMs), reason: 'Simulated: threshold crossed' },
      previousState: { value: previous },
    },
  };
}

/** The "Parameter Store Change" event of a parameter updated at `atMs`. */
export function parameterEvent(name: string, atMs: number): AbortEvent {
  return {
    source: 'aws.ssm',
    'detail-type': 'Parameter Store Change',
    time: iso(atMs),
    detail: { name, operation: 'Update', type: 'String' },
  };
}

/**
 * The events of the scenario's alarm and kill-switch timelines, resolved against the run and fault
 * starts: each move of a listed alarm into ALARM, each change of the kill switch after its first value.
 */
export function timelineEvents(
  scenario: Scenario,
  options: Pick<EventDeliveryOptions, 'alarmNames' | 'killSwitchParameter'>,
  faultStartMs: number,
): TimedEvent[] {
  const runStartMs = scenario.now.getTime();
  const events: TimedEvent[] = [];
  for (const name of options.alarmNames) {
    const entries = (scenario.alarms[name] ?? [])
      .map((e) => ({ state: e.state, atMs: resolveTime(e.at, runStartMs, faultStartMs) }))
      .filter((e): e is { state: typeof e.state; atMs: number } => e.atMs !== undefined)
      .sort((a, b) => a.atMs - b.atMs);
    let previous = 'OK';
    for (const entry of entries) {
      if (entry.state === 'ALARM' && previous !== 'ALARM' && entry.atMs > runStartMs) {
        events.push({ atMs: entry.atMs, event: alarmEvent(name, previous, entry.atMs) });
      }
      previous = entry.state;
    }
  }
  const switches = (scenario.killSwitch ?? [])
    .map((e) => ({ value: e.value, atMs: resolveTime(e.at, runStartMs, faultStartMs) }))
    .filter((e): e is { value: string; atMs: number } => e.atMs !== undefined)
    .sort((a, b) => a.atMs - b.atMs);
  for (const [index, entry] of switches.entries()) {
    if (index === 0 || entry.value === switches[index - 1]?.value) continue;
    events.push({ atMs: entry.atMs, event: parameterEvent(options.killSwitchParameter, entry.atMs) });
  }
  return events.sort((a, b) => a.atMs - b.atMs);
}

/** The simulated EventBridge of one account. */
export class SimulatedEventBus {
  /** Every event delivered or dropped, in order. */
  readonly delivered: DeliveredEvent[] = [];
  private readonly scheduled = new Set<string>();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly scenario: Scenario,
    private readonly options: EventDeliveryOptions,
    private readonly nowMs: () => number,
  ) {}

  /** A fault started: schedules the timeline events from now on (each once per account). */
  faultStarted(faultStartMs: number): void {
    for (const timed of timelineEvents(this.scenario, this.options, faultStartMs)) {
      if (timed.atMs < this.nowMs()) continue;
      this.schedule(timed);
    }
  }

  /** A parameter was written during the run (e.g. `chaos-cadence halt`). */
  parameterWritten(name: string, atMs: number): void {
    if (name !== this.options.killSwitchParameter) return;
    this.schedule({ atMs, event: parameterEvent(name, atMs) });
  }

  /** Resolves when every delivered invocation has finished. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private schedule(timed: TimedEvent): void {
    const key = `${timed.event.source}:${JSON.stringify(timed.event.detail)}:${timed.atMs}`;
    if (this.scheduled.has(key)) return;
    this.scheduled.add(key);
    const transitionAt = iso(timed.atMs);
    if (this.scenario.events.drop) {
      this.delivered.push({ transitionAt, dropped: true, event: timed.event });
      return;
    }
    const dueMs = timed.atMs + this.scenario.events.deliveryDelaySeconds * 1000;
    setTimeout(
      () => {
        const record: { -readonly [K in keyof DeliveredEvent]: DeliveredEvent[K] } = {
          transitionAt,
          deliveredAt: iso(this.nowMs()),
          dropped: false,
          event: timed.event,
        };
        this.delivered.push(record);
        const invocation = this.options.deliver(timed.event).catch((error: unknown) => {
          const err = error instanceof Error ? error : new Error(String(error));
          record.error = `${err.name}: ${err.message}`;
        });
        this.inFlight.add(invocation);
        void invocation.finally(() => this.inFlight.delete(invocation));
      },
      Math.max(0, dueMs - this.nowMs()),
    );
  }
}
