import { formatTime } from './render/format';
import type { StopResult, StoppedBy } from './types';

/**
 * The sentences about a stop, rendered from its facts: the verdict's reason, the card's Stop line and
 * the timeline all say the same thing. Only a read-confirmed stop is called stopped; an unconfirmed one
 * says when it was requested and how to check it.
 */

/** Who stopped it, in words. */
export const STOPPED_BY_TEXT: Readonly<Record<StoppedBy, string>> = {
  'fis-native': 'FIS on its native stop condition',
  event: 'the abort-on-event function (alarm or kill-switch event)',
  poll: 'the workflow poll',
  halt: 'chaos-cadence halt',
};

/** `stop requested at T, not confirmed (...); check with `aws ...`` or `stopped (confirmed stopped)`. */
export function stopSentence(stop: StopResult): string {
  if (stop.confirmation === 'not-confirmed') {
    const why = stop.readError ? ` (${stop.readError.slice(0, 160)})` : '';
    const check = stop.checkCommand ? `; check with \`${stop.checkCommand}\`` : '';
    return `stop requested at ${formatTime(stop.requestedAt)}, not confirmed${why}${check}`;
  }
  if (stop.alreadyEnded) {
    return `the fault had already ended (confirmed ${stop.confirmedState ?? 'ended'})`;
  }
  return `the fault was stopped (stop requested at ${formatTime(stop.requestedAt)}, confirmed ${stop.confirmedState ?? 'ended'})`;
}

/** True when a read confirmed the stop (or that the fault had ended). */
export function stopConfirmed(stop: StopResult | null | undefined): boolean {
  return stop?.confirmation === 'confirmed';
}
