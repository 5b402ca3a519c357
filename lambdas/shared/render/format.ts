/**
 * Small pure formatting helpers shared by the card text, the HTML report and the subject line.
 * Everything is deterministic (UTC, no locale) so golden files are stable on every machine.
 */
import type { Impact, Outcome } from '../types';

/** The outcome as shown to people: `PASSED`, `ABORTED`... */
export function outcomeLabel(outcome: Outcome): string {
  return outcome.toUpperCase();
}

/** One sentence per outcome: what it means (DESIGN.md, "Outcomes"). */
export const OUTCOME_MEANING: Readonly<Record<Outcome, string>> = {
  passed:
    'steady before, no stop condition fired, steady again within the recovery window: the hypothesis held',
  deviated: 'the fault ran its course but the steady state did not return in time: a weakness',
  aborted: 'a stop condition (or the kill switch) fired; the stop of the fault was requested early',
  skipped: 'guard rails or the steady state before the fault said no; nothing was injected',
  failed:
    'the orchestration itself failed; the stop of the fault was requested and its confirmation is recorded',
};

/** `2026-03-03 09:00:12 UTC`, or the text unchanged when it is not a date. */
export function formatTime(iso: string | undefined): string {
  if (iso === undefined) return '-';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** `09:00:12` (UTC), for timelines. */
export function formatClock(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toISOString().slice(11, 19);
}

/** `6 min`, `1 h 5 min`, `95 s`, `2 min 5 s`. */
export function formatSeconds(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '-';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const parts: string[] = [];
  if (h > 0) parts.push(`${h} h`);
  if (m > 0) parts.push(`${m} min`);
  if (s > 0 || parts.length === 0) parts.push(`${s} s`);
  return parts.join(' ');
}

/** Seconds between two ISO instants, or undefined when either is missing or invalid. */
export function secondsBetween(from: string | undefined, to: string | undefined): number | undefined {
  if (from === undefined || to === undefined) return undefined;
  const a = Date.parse(from);
  const b = Date.parse(to);
  if (Number.isNaN(a) || Number.isNaN(b)) return undefined;
  return Math.round((b - a) / 1000);
}

/** `none`, `degraded`, `outage` with a short gloss. */
export function impactLabel(impact: Impact): string {
  switch (impact) {
    case 'none':
      return 'none (no customer-visible impact)';
    case 'degraded':
      return 'degraded (slower or partly failing, still serving)';
    case 'outage':
      return 'outage (not serving)';
  }
}

/** `yes` / `no`. */
export function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}
