import FakeTimers, { type InstalledClock } from '@sinonjs/fake-timers';
import type { AccountClock } from './simulated-account';

// Saved before any fake clock is installed: the driver waits for real I/O with these.
const realSetTimeout = globalThis.setTimeout;
const realSetImmediate = globalThis.setImmediate;

/** Waits a real macrotask (or `ms` real milliseconds), whatever the fake clock does. */
export function realDelay(ms = 0): Promise<void> {
  return new Promise((resolve) => {
    realSetTimeout(resolve, ms);
  });
}

function realTick(): Promise<void> {
  return new Promise((resolve) => {
    realSetImmediate(resolve);
  });
}

/** The work never settled: nothing was scheduled and no real I/O was in flight. */
export class RehearsalStalledError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RehearsalStalledError';
  }
}

/** Options of {@link VirtualClock.drive}. */
export interface DriveOptions {
  /** Give up when virtual time passes this many seconds after the start. @default 172800 (48 h) */
  readonly maxVirtualSeconds?: number;
  /** Give up after this much real time with no timer scheduled and no I/O in flight. @default 5000 */
  readonly stallMs?: number;
}

/**
 * A virtual clock on `globalThis` (setTimeout, clearTimeout, setInterval, clearInterval, Date) that
 * starts at a given moment and only moves when {@link drive} moves it: Wait states, retries and
 * timeouts take their real durations in virtual time, in milliseconds of wall time. While real I/O
 * wrapped with {@link trackIo} is in flight, virtual time does not jump: it follows the wall clock
 * (so a 3 s probe timeout still fires after 3 real seconds against a server that never answers).
 */
export class VirtualClock implements AccountClock {
  /** Virtual epoch milliseconds at the start. */
  readonly startMs: number;
  private clock: InstalledClock | undefined;
  private pendingIo = 0;

  constructor(start: Date) {
    this.startMs = start.getTime();
  }

  /** Installs the fake timers on `globalThis`. */
  install(): void {
    if (this.clock) return;
    this.clock = FakeTimers.withGlobal(globalThis).install({
      now: this.startMs,
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
      shouldClearNativeTimers: false,
    });
  }

  /** Restores the real timers. Safe to call twice. */
  uninstall(): void {
    this.clock?.uninstall();
    this.clock = undefined;
  }

  /** Whether the fake timers are installed. */
  get installed(): boolean {
    return this.clock !== undefined;
  }

  /** Current virtual time in epoch milliseconds (the start until installed). */
  nowMs(): number {
    return this.clock ? this.clock.now : this.startMs;
  }

  /** Current virtual time. */
  now(): Date {
    return new Date(this.nowMs());
  }

  /** Virtual seconds since the start. */
  elapsedSeconds(): number {
    return (this.nowMs() - this.startMs) / 1000;
  }

  /** Real I/O in flight right now. */
  get ioInFlight(): number {
    return this.pendingIo;
  }

  /** Marks `work` as real I/O: until it settles, virtual time only moves at the pace of real time. */
  trackIo<T>(work: Promise<T>): Promise<T> {
    this.pendingIo += 1;
    return work.finally(() => {
      this.pendingIo -= 1;
    });
  }

  /**
   * Runs the fake clock until `work` settles: lets promise chains run, then fires the next timer
   * (`nextAsync`), and again; while tracked real I/O is in flight, time follows the wall clock.
   * @throws RehearsalStalledError when nothing can happen
   */
  async drive<T>(work: Promise<T>, options: DriveOptions = {}): Promise<T> {
    const clock = this.clock;
    if (!clock) throw new Error('VirtualClock.drive needs install() first');
    const maxMs = this.startMs + (options.maxVirtualSeconds ?? 172_800) * 1000;
    const stallMs = options.stallMs ?? 5000;
    let settled = false;
    const watched = work.finally(() => {
      settled = true;
    });
    // Keep an unhandled rejection from surfacing before we await it below.
    watched.catch(() => undefined);
    let idleSince: number | undefined;
    while (!settled) {
      await this.settleMicrotasks();
      if (settled) break;
      if (this.pendingIo > 0) {
        // Real I/O takes real time: virtual time follows the wall clock until it settles, so no
        // far-away timer jumps ahead of it, and a probe's own timeout still fires on a hung server.
        idleSince = undefined;
        const before = performance.now();
        await realDelay(2);
        await clock.tickAsync(Math.max(1, Math.round(performance.now() - before)));
        continue;
      }
      if (clock.countTimers() === 0) {
        idleSince ??= performance.now();
        if (performance.now() - idleSince > stallMs) {
          throw new RehearsalStalledError(
            `the run stalled at +${this.elapsedSeconds()} s: nothing scheduled and no I/O in flight for ${stallMs} ms`,
          );
        }
        await realDelay(1);
        continue;
      }
      idleSince = undefined;
      if (clock.now > maxMs) {
        throw new RehearsalStalledError(
          `the run was still going after ${options.maxVirtualSeconds ?? 172_800} virtual seconds`,
        );
      }
      await clock.nextAsync();
    }
    return watched;
  }

  /** A few real turns of the event loop, so promise chains started by the last timer run on. */
  private async settleMicrotasks(): Promise<void> {
    for (let i = 0; i < 3; i += 1) await realTick();
  }
}
