/**
 * Waits `seconds` with `setTimeout`, so a faked clock (the rehearsal's @sinonjs/fake-timers) runs it
 * instantly while production waits for real.
 */
export function sleep(seconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, seconds) * 1000));
}
