import { StateMachine } from 'aws-local-stepfunctions';

/** One event of aws-local-stepfunctions' log, as the tap records it (the fields the bench reads). */
export interface TappedEvent {
  readonly type: string;
  /** Virtual epoch ms (the rehearsal's fake `Date`). */
  readonly timestamp: number;
  readonly state?: { readonly name: string; readonly type: string };
}

/** One Task handler invocation. */
export interface TappedInvocation {
  readonly state: string;
  /** Virtual time the handler took (its sleeps: what Lambda would bill). */
  readonly virtualMs: number;
  /** Real time it computed while virtual time stood still. */
  readonly realMs: number;
  readonly ok: boolean;
}

/** What one execution left on the tap. */
export interface Tapped {
  readonly events: TappedEvent[];
  readonly invocations: TappedInvocation[];
}

type LocalHandler = (input: unknown) => unknown;
interface RunOptionsLike {
  readonly overrides?: { readonly taskResourceLocalHandlers?: Record<string, LocalHandler> };
  readonly _rootAbortSignal?: unknown;
}
interface ExecutionLike {
  readonly eventLogs: AsyncGenerator<TappedEvent>;
}
type RunFn = (this: StateMachine, input: unknown, options?: RunOptionsLike) => ExecutionLike;

const proto = StateMachine.prototype as unknown as { run: RunFn };
const originalRun: RunFn = proto.run;

/**
 * Taps the next root execution of aws-local-stepfunctions (the rehearsal engine's) without touching
 * the engine: `StateMachine.prototype.run` is wrapped once, for that run, so that the event log is
 * copied as the engine reads it, and every local Task handler is timed in virtual and real time.
 * Map iterations run nested `run`s with the same (wrapped) handlers and forward their events to the
 * root log, so nothing is missed. Call {@link Tap.release} after the run.
 */
export class Tap {
  readonly tapped: Tapped = { events: [], invocations: [] };

  constructor() {
    const tapped = this.tapped;
    proto.run = function tappedRun(this: StateMachine, input, options) {
      if (options?._rootAbortSignal !== undefined) return originalRun.call(this, input, options);
      const handlers = options?.overrides?.taskResourceLocalHandlers ?? {};
      const wrapped: Record<string, LocalHandler> = {};
      for (const [name, handler] of Object.entries(handlers)) {
        wrapped[name] = async (payload: unknown) => {
          const virtualStart = Date.now();
          const realStart = performance.now();
          let ok = false;
          try {
            const result: unknown = await handler(payload);
            ok = true;
            return result;
          } finally {
            tapped.invocations.push({
              state: name,
              virtualMs: Date.now() - virtualStart,
              realMs: performance.now() - realStart,
              ok,
            });
          }
        };
      }
      const execution = originalRun.call(this, input, {
        ...options,
        overrides: { ...options?.overrides, taskResourceLocalHandlers: wrapped },
      });
      const source = execution.eventLogs;
      async function* copy(): AsyncGenerator<TappedEvent> {
        for await (const event of source) {
          tapped.events.push({
            type: event.type,
            timestamp: event.timestamp,
            ...(event.state ? { state: { name: event.state.name, type: event.state.type } } : {}),
          });
          yield event;
        }
      }
      return { ...execution, eventLogs: copy() };
    };
  }

  /** Restores the original `run`. */
  release(): void {
    proto.run = originalRun;
  }
}
