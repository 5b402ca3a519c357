import { createHash } from 'node:crypto';
import type { WorkflowSettings } from '../../../lambdas/shared/aws';
import { resolveTime, valueAt, type Scenario, type TimeRef } from '../scenario';
import type { SimulatedEventBus } from '../simulated-events';
import type { SimulatedSdkService } from './errors';

/** A simulated service, by IAM action prefix; `http` marks requests made through `fetch`. */
export type SimulatedService = SimulatedSdkService | 'http';

/** One call the run made, in order. */
export interface RecordedCall {
  /** Virtual ISO time of the call. */
  readonly at: string;
  readonly service: SimulatedService;
  /** The API operation, e.g. `StartExperiment` (HTTP: the method). */
  readonly command: string;
  readonly input: unknown;
  readonly output?: unknown;
  /** `<name>: <message>` when the call failed. */
  readonly error?: string;
  /** Who made it, when the caller said (`options.caller`), e.g. `AbortOnEvent`. */
  readonly caller?: string;
}

/** One simulated API operation: the SDK command class it answers, its name and its answer. */
export interface Route {
  readonly command: new (input: never) => unknown;
  readonly name: string;
  readonly handle: (input: never) => object | Promise<object>;
}

/** A timeline entry in force, and since when. */
export interface InForce<T> {
  readonly entry: T;
  readonly sinceMs: number;
}

/** What every simulated service shares: the scenario, the clock, the recorder, ids and the fault start. */
export interface ServiceContext {
  readonly scenario: Scenario;
  readonly settings: WorkflowSettings;
  readonly region: string;
  readonly account: string;
  readonly partition: string;
  /** The scenario's `now`: `run+0s`, in epoch milliseconds. */
  readonly runStartMs: number;
  /** The simulated EventBridge, when the account delivers events. */
  readonly eventBus?: SimulatedEventBus;
  /** Every call, in order. */
  readonly calls: RecordedCall[];
  /** The clock's time in epoch milliseconds. */
  now(): number;
  /** Records a call, with its caller when one is named (concurrent callers stay apart). */
  record(call: RecordedCall): void;
  /** The entry of a scenario timeline in force at `atMs` (default: now). */
  at<T extends { readonly at: TimeRef }>(entries: readonly T[], atMs?: number): InForce<T> | undefined;
  /** When the (last) fault started, if one has. */
  faultStartMs(): number | undefined;
  /** A fault started (FIS experiment, SSM command): `fault+` timelines start, EventBridge hears of it. */
  faultStarted(atMs: number): void;
  /** `<prefix><counter padded to length>`, deterministic per account. */
  nextId(prefix: string, length: number): string;
  /** A UUID (version 4 layout, as SSM command ids and SNS message ids are), deterministic per account. */
  nextUuid(): string;
}

/** What {@link createServiceContext} needs. */
export interface ServiceContextOptions {
  readonly scenario: Scenario;
  readonly settings: WorkflowSettings;
  readonly now: () => number;
  readonly eventBus?: SimulatedEventBus;
  /** Names the caller of the call being made. @default none */
  readonly caller?: () => string | undefined;
}

/** A UUID-shaped id (version 4 and variant bits set) derived from text, so rehearsals stay deterministic. */
export function uuidFrom(text: string): string {
  const hex = createHash('sha256').update(text).digest('hex');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** An epoch-milliseconds time as ISO text. */
export function isoAt(ms: number): string {
  return new Date(ms).toISOString();
}

/** Builds the context the services of one simulated account share. */
export function createServiceContext(options: ServiceContextOptions): ServiceContext {
  const { scenario, settings, now, eventBus } = options;
  const runStartMs = scenario.now.getTime();
  const calls: RecordedCall[] = [];
  let faultStartMs: number | undefined;
  let idCounter = 0;
  return {
    scenario,
    settings,
    region: settings.region,
    account: settings.account,
    partition: settings.partition,
    runStartMs,
    ...(eventBus ? { eventBus } : {}),
    calls,
    now,
    record: (call) => {
      const caller = options.caller?.();
      calls.push(caller !== undefined ? { ...call, caller } : call);
    },
    at: (entries, atMs = now()) => {
      const found = valueAt(entries, atMs, runStartMs, faultStartMs);
      if (found) return found;
      // Before the run start (metric windows look back): the 0s entry, which every timeline has,
      // stands for the state the account was already in.
      const initial = entries.find((e) => e.at.base === 'run' && e.at.offsetSeconds === 0);
      return initial ? { entry: initial, sinceMs: runStartMs } : undefined;
    },
    faultStartMs: () => faultStartMs,
    faultStarted: (atMs) => {
      faultStartMs = atMs;
      eventBus?.faultStarted(atMs);
    },
    nextId: (prefix, length) => {
      idCounter += 1;
      return `${prefix}${String(idCounter).padStart(length, '0')}`;
    },
    nextUuid: () => {
      idCounter += 1;
      return uuidFrom(`${runStartMs}/${idCounter}`);
    },
  };
}

/** Resolves a scenario time against the run start and the fault start (undefined before the fault). */
export function resolveAt(
  ctx: ServiceContext,
  at: TimeRef,
  faultStartMs = ctx.faultStartMs(),
): number | undefined {
  return resolveTime(at, ctx.runStartMs, faultStartMs);
}
