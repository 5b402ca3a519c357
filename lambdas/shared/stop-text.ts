import { formatTime } from './render/format';
import type { StopResult, StoppedBy } from './types';
import { hasFaultEnded } from './vocabulary';

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

/**
 * True when a read confirmed the stop: the fault had ended, or a read saw it in one of
 * the ended fault states ({@link hasFaultEnded}: `stopping`, rolling back, counts there). The
 * only place that decides whether a text may say "stopped".
 */
export function stopConfirmed(stop: StopResult | null | undefined): boolean {
  if (stop?.confirmation !== 'confirmed') return false;
  if (stop.alreadyEnded) return true;
  const state = stop.confirmedState;
  return state === undefined || hasFaultEnded(state);
}

/**
 * `stop requested at T, not confirmed (...); check with `aws ...`` or `the fault was stopped (...)`:
 * never more than a read confirmed.
 */
export function stopSentence(stop: StopResult): string {
  const requested = `stop requested at ${formatTime(stop.requestedAt)}`;
  const check = stop.checkCommand ? `; check with \`${stop.checkCommand}\`` : '';
  if (stop.confirmation === 'not-confirmed') {
    const why = stop.readError ? ` (${stop.readError.slice(0, 160)})` : '';
    return `${requested}, not confirmed${why}${check}`;
  }
  if (stop.alreadyEnded) {
    return `the fault had already ended (confirmed ${stop.confirmedState ?? 'ended'})`;
  }
  if (!stopConfirmed(stop)) {
    return `${requested}, not confirmed: the last read still saw the fault ${stop.confirmedState ?? 'running'}${check}`;
  }
  if (stop.confirmedState === 'stopping') {
    return `the fault was stopped (a read saw it stopping, its actions rolling back; ${requested})`;
  }
  return `the fault was stopped (confirmed ${stop.confirmedState ?? 'ended'}; ${requested})`;
}

/**
 * {@link stopSentence} without the request time when a read confirmed the stop (for one-line reasons;
 * the card's Stop line carries the time). An unconfirmed stop keeps its time and check command.
 */
export function stopBrief(stop: StopResult): string {
  if (!stopConfirmed(stop) || stop.alreadyEnded) return stopSentence(stop);
  return stop.confirmedState === 'stopping'
    ? 'the fault was stopped (a read saw it stopping, its actions rolling back)'
    : `the fault was stopped (confirmed ${stop.confirmedState ?? 'ended'})`;
}

/** How the stop went, in words that never claim more than was confirmed. */
export function stopStateText(stop: StopResult | null | undefined): string {
  return stop ? stopSentence(stop) : 'no stop was requested';
}
