/**
 * A dependency-free SVG line chart: the run window on the x axis, the fault window shaded, one line
 * per series, an optional dashed threshold (a stop-condition alarm's). Text is escaped.
 */
import { escapeHtml } from './escape';

/** One data point. */
export interface ChartPoint {
  /** ISO instant. */
  readonly t: string;
  readonly v: number;
}

/** One line. */
export interface ChartSeries {
  readonly label: string;
  readonly points: readonly ChartPoint[];
}

/** One panel: lines sharing a unit. */
export interface ChartPanel {
  readonly title: string;
  /** e.g. `%`, `Count`, `Seconds`. */
  readonly unit: string;
  readonly series: readonly ChartSeries[];
  /** A stop-condition alarm's threshold, drawn dashed. */
  readonly threshold?: { readonly value: number; readonly label: string };
  /** Fix the y axis maximum (100 for CPU %). */
  readonly yMax?: number;
}

/** The charts of one experiment, over the run window. */
export interface ExperimentChart {
  readonly start: string;
  readonly end: string;
  readonly faultStart?: string;
  readonly faultEnd?: string;
  readonly panels: readonly ChartPanel[];
  /** Why the chart is incomplete (e.g. GetMetricData failed); shown above it. */
  readonly note?: string;
}

/** The line colours (colour-blind-friendly Okabe-Ito palette). */
export const SERIES_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#000000'];

const W = 720;
const H = 220;
const M = { top: 28, right: 16, bottom: 30, left: 48 };

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((s) => s * magnitude >= value) ?? 10;
  return step * magnitude;
}

function fmt(value: number): string {
  if (Math.abs(value) >= 100 || Number.isInteger(value)) return String(Math.round(value));
  return value.toFixed(value < 1 ? 2 : 1);
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

/**
 * One panel as an `<svg>` element (100 % wide, fixed aspect ratio).
 * Returns an explanatory `<p>` instead when there is no data at all.
 */
export function renderPanelSvg(chart: ExperimentChart, panel: ChartPanel, id: string): string {
  const t0 = Date.parse(chart.start);
  const t1 = Date.parse(chart.end);
  const points = panel.series.flatMap((s) => s.points);
  if (Number.isNaN(t0) || Number.isNaN(t1) || t1 <= t0 || points.length === 0) {
    return `<p class="nodata">${escapeHtml(panel.title)}: no data points in the run window.</p>`;
  }
  const dataMax = Math.max(...points.map((p) => p.v), panel.threshold?.value ?? 0);
  const yMax = panel.yMax ?? niceMax(dataMax * 1.1);
  const x = (ms: number) => M.left + ((ms - t0) / (t1 - t0)) * (W - M.left - M.right);
  const y = (v: number) => M.top + (1 - Math.min(Math.max(v, 0), yMax) / yMax) * (H - M.top - M.bottom);
  const parts: string[] = [];
  const titleId = `${id}-title`;
  parts.push(
    `<svg class="chart" id="${id}" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${titleId}" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${titleId}">${escapeHtml(`${panel.title} (${panel.unit}) from ${clock(t0)} to ${clock(t1)} UTC`)}</title>`,
  );
  const fs = chart.faultStart ? Date.parse(chart.faultStart) : NaN;
  const fe = chart.faultEnd ? Date.parse(chart.faultEnd) : t1;
  if (!Number.isNaN(fs)) {
    const a = x(Math.max(fs, t0));
    const b = x(Math.min(Number.isNaN(fe) ? t1 : fe, t1));
    parts.push(
      `<rect class="fault" x="${a.toFixed(1)}" y="${M.top}" width="${Math.max(b - a, 1).toFixed(1)}" height="${H - M.top - M.bottom}" fill="#f4a6a6" fill-opacity="0.35"/>`,
      `<text x="${(a + 4).toFixed(1)}" y="${M.top + 12}" font-size="11" fill="#8a1c1c">fault</text>`,
    );
  }
  // Axes and grid.
  for (const f of [0, 0.5, 1]) {
    const v = yMax * f;
    const yy = y(v).toFixed(1);
    parts.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${yy}" y2="${yy}" stroke="#ccc" stroke-width="1"/>`,
      `<text x="${M.left - 6}" y="${yy}" font-size="11" text-anchor="end" dominant-baseline="middle" fill="#333">${fmt(v)}</text>`,
    );
  }
  const ticks = 6;
  for (let i = 0; i <= ticks; i += 1) {
    const ms = t0 + ((t1 - t0) * i) / ticks;
    parts.push(
      `<text x="${x(ms).toFixed(1)}" y="${H - M.bottom + 16}" font-size="11" text-anchor="middle" fill="#333">${clock(ms)}</text>`,
    );
  }
  parts.push(
    `<text x="${M.left}" y="16" font-size="12" font-weight="bold" fill="#111">${escapeHtml(`${panel.title} (${panel.unit})`)}</text>`,
  );
  if (panel.threshold) {
    const yy = y(panel.threshold.value).toFixed(1);
    parts.push(
      `<line class="threshold" x1="${M.left}" x2="${W - M.right}" y1="${yy}" y2="${yy}" stroke="#b00020" stroke-width="1.5" stroke-dasharray="6 4"/>`,
      `<text x="${W - M.right}" y="${(Number(yy) - 4).toFixed(1)}" font-size="11" text-anchor="end" fill="#b00020">${escapeHtml(panel.threshold.label)}</text>`,
    );
  }
  panel.series.forEach((series, index) => {
    const colour = SERIES_COLOURS[index % SERIES_COLOURS.length] ?? '#000';
    const sorted = [...series.points].sort((a, b) => Date.parse(a.t) - Date.parse(b.t));
    const coords = sorted.map((p) => `${x(Date.parse(p.t)).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
    if (sorted.length === 1) {
      const [cx, cy] = coords.split(',');
      parts.push(`<circle class="series" cx="${cx}" cy="${cy}" r="3" fill="${colour}"/>`);
    } else if (sorted.length > 1) {
      parts.push(
        `<polyline class="series" points="${coords}" fill="none" stroke="${colour}" stroke-width="2"/>`,
      );
    }
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** The legend of a panel as HTML (wraps on narrow screens; colour AND label). */
export function renderLegendHtml(panel: ChartPanel): string {
  const items = panel.series.map((series, index) => {
    const colour = SERIES_COLOURS[index % SERIES_COLOURS.length] ?? '#000';
    return `<li><span class="swatch" style="border-color:${colour}"></span>${escapeHtml(series.label)}</li>`;
  });
  if (panel.threshold) {
    items.push(`<li><span class="swatch threshold"></span>${escapeHtml(panel.threshold.label)}</li>`);
  }
  return `<ul class="legend">${items.join('')}</ul>`;
}
