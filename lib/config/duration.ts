import { parse as parseIso, toSeconds } from 'iso8601-duration';

/**
 * Parses an ISO 8601 duration as FIS writes them (`PT6M`, `PT1H30M`, `P1D`) into whole seconds.
 * Years, months and weeks are refused: their length in seconds is ambiguous.
 * @returns the number of seconds, or `undefined` when the text is not such a duration.
 */
export function durationSeconds(text: string): number | undefined {
  let parsed;
  try {
    parsed = parseIso(text);
  } catch {
    return undefined;
  }
  if (parsed.years || parsed.months || parsed.weeks) return undefined;
  const seconds = toSeconds(parsed);
  return Number.isFinite(seconds) ? Math.round(seconds) : undefined;
}

/** Formats seconds as the shortest ISO 8601 duration (`360` -> `PT6M`), for messages and FIS. */
export function isoDuration(seconds: number): string {
  if (seconds <= 0) return 'PT0S';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round(seconds % 60);
  return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}${s ? `${s}S` : ''}`;
}

/** Formats seconds for people: `6 min`, `1 h 30 min`, `45 s`. */
export function humanDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round(seconds % 60);
  const parts = [h ? `${h} h` : '', m ? `${m} min` : '', s || (!h && !m) ? `${s} s` : ''];
  return parts.filter(Boolean).join(' ');
}
