/**
 * The during-fault probe results on the timeline: one lane per probe over the experiment's window,
 * green where its checks held, red where they failed (with the first failing observation as the
 * tooltip), the fault window shaded. Plain SVG, text escaped, colour never the only signal (each
 * failing stretch is labelled). Drawn from the full series the journal carries (`duringSeries`);
 * from the state's capped summary (`during.probes[].segments`) when the series is absent or incomplete.
 */
import type { DuringProbe, ExperimentResult, ProbeObservation, ProbeSegment } from '../types';
import { escapeHtml } from './escape';

const W = 720;
const LANE = 22;
const TOP = 26;
const LEFT = 230;
const RIGHT = 16;

/**
 * The stretches of one probe's full series: consecutive evaluated checks with the same result. A check
 * that could not be evaluated (throttled) ends a stretch without starting one.
 */
export function seriesSegments(observations: readonly ProbeObservation[]): ProbeSegment[] {
  const segments: ProbeSegment[] = [];
  let open: { -readonly [K in keyof ProbeSegment]: ProbeSegment[K] } | undefined;
  for (const o of observations) {
    if (o.ok === undefined) {
      if (open) segments.push(open);
      open = undefined;
      continue;
    }
    if (open && open.ok === o.ok) {
      open.to = o.at;
      open.checks += 1;
      continue;
    }
    if (open) segments.push(open);
    const observed = o.error !== undefined ? `${o.observed ?? ''} (${o.error})` : (o.observed ?? '');
    open = { from: o.at, to: o.at, ok: o.ok, checks: 1, observed };
  }
  if (open) segments.push(open);
  return segments;
}

/** A probe's stretches: from the full series when the journal has all of it, else the summary's. */
function lanesOf(
  result: ExperimentResult,
  probe: DuringProbe,
): { segments: readonly ProbeSegment[]; dropped: number } {
  const series = result.duringSeries;
  const observations = series && series.missing === undefined ? series.probes[probe.id] : undefined;
  if (observations && observations.length > 0) return { segments: seriesSegments(observations), dropped: 0 };
  return { segments: probe.segments, dropped: probe.droppedSegments };
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

/**
 * The lanes as an `<svg>`; an explanatory `<p>` when no probe ran during the fault.
 * @param id unique within the page
 */
export function renderProbeLanesSvg(result: ExperimentResult, id: string): string {
  const during = result.during;
  if (!during || during.probes.length === 0) {
    return `<p class="nodata">No probe ran during the fault${result.fault ? '' : ' (nothing was injected)'}.</p>`;
  }
  const t0 = Date.parse(result.fault?.startedAt ?? during.firstAt ?? result.startedAt);
  const lanes = during.probes.map((probe) => lanesOf(result, probe));
  const lastSegmentEnd = Math.max(
    ...lanes.flatMap((lane) => lane.segments.map((s) => Date.parse(s.to))),
    Date.parse(result.faultEndedAt ?? during.lastAt ?? result.endedAt),
  );
  const t1 = Math.max(lastSegmentEnd, t0 + 60_000);
  const x = (ms: number): number => LEFT + ((ms - t0) / (t1 - t0)) * (W - LEFT - RIGHT);
  const height = TOP + during.probes.length * LANE + 24;
  const parts: string[] = [
    `<svg class="chart probe-lanes" id="${id}" viewBox="0 0 ${W} ${height}" role="img" aria-labelledby="${id}-title" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${id}-title">${escapeHtml(`Steady-state probes during the fault, ${clock(t0)} to ${clock(t1)} UTC: green held, red failed`)}</title>`,
    `<text x="4" y="16" font-size="12" font-weight="bold" fill="#111">Probes during the fault (green held, red failed)</text>`,
  ];
  during.probes.forEach((probe, index) => {
    const { segments, dropped } = lanes[index] ?? {
      segments: probe.segments,
      dropped: probe.droppedSegments,
    };
    const y = TOP + index * LANE;
    const label = probe.id.length > 34 ? `${probe.id.slice(0, 33)}…` : probe.id;
    parts.push(
      `<g class="lane" data-probe="${escapeHtml(probe.id)}" data-failures="${probe.failures}">`,
      `<text x="${LEFT - 6}" y="${y + 14}" font-size="11" text-anchor="end" fill="#333">${escapeHtml(label)}</text>`,
      `<rect x="${LEFT}" y="${y + 3}" width="${W - LEFT - RIGHT}" height="${LANE - 6}" fill="#eef0f3"/>`,
    );
    segments.forEach((segment, s) => {
      const next = segments[s + 1];
      const from = Date.parse(segment.from);
      // A stretch lasts until the next one starts (or one poll past its last check).
      const to = next
        ? Date.parse(next.from)
        : Math.min(t1, Date.parse(segment.to) + (result.plan.pollIntervalSeconds || 15) * 1000);
      const a = x(from);
      const width = Math.max(x(to) - a, 2);
      const cls = segment.ok ? 'probe-ok' : 'probe-fail';
      const fill = segment.ok ? '#1b7f3b' : '#b00020';
      const tip = `${probe.id}: ${segment.ok ? 'held' : 'FAILED'} ${segment.checks} check(s) from ${segment.from.slice(11, 19)} to ${segment.to.slice(11, 19)} UTC${segment.ok ? '' : `; saw ${segment.observed}`}`;
      parts.push(
        `<rect class="${cls}" x="${a.toFixed(1)}" y="${y + 3}" width="${width.toFixed(1)}" height="${LANE - 6}" fill="${fill}" data-from="${escapeHtml(segment.from)}" data-to="${escapeHtml(segment.to)}"><title>${escapeHtml(tip)}</title></rect>`,
      );
      if (!segment.ok && width > 30) {
        parts.push(`<text x="${(a + 3).toFixed(1)}" y="${y + 15}" font-size="10" fill="#fff">failed</text>`);
      }
    });
    if (dropped > 0) {
      parts.push(
        `<text x="${W - RIGHT}" y="${y + 14}" font-size="9" text-anchor="end" fill="#555">${dropped} stretch(es) not kept</text>`,
      );
    }
    parts.push('</g>');
  });
  const axisY = TOP + during.probes.length * LANE + 14;
  for (let i = 0; i <= 4; i += 1) {
    const ms = t0 + ((t1 - t0) * i) / 4;
    parts.push(
      `<text x="${x(ms).toFixed(1)}" y="${axisY}" font-size="11" text-anchor="middle" fill="#333">${clock(ms)}</text>`,
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}
