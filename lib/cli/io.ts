import { inspect } from 'node:util';

/** Something text can be written to: `process.stdout`, or a buffer in tests. */
export interface Writer {
  write(text: string): unknown;
}

/** Where a command writes, and whether colours may be used. */
export interface CliIo {
  readonly stdout: Writer;
  readonly stderr: Writer;
  /** True when stdout is a terminal and NO_COLOR is not set: only then are colours used. */
  readonly color: boolean;
}

/** The styles the CLI uses; each maps onto a node:util `inspect.colors` entry (ANSI codes). */
export type Style = 'bold' | 'dim' | 'red' | 'green' | 'yellow' | 'cyan';

/**
 * Decides whether colours are allowed: stdout is a TTY, `NO_COLOR` is unset or empty
 * (https://no-color.org) and `TERM` is not `dumb`.
 */
export function colorAllowed(isTty: boolean, env: NodeJS.ProcessEnv): boolean {
  if (!isTty) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return env.TERM !== 'dumb';
}

/** Styles `text` when the io allows colours; returns it unchanged otherwise. */
export function paint(io: Pick<CliIo, 'color'>, style: Style, text: string): string {
  // Not styleText: on Node 20.20 it checks process.stdout itself, so it cannot honour the io's decision.
  const codes = inspect.colors[style];
  return io.color && codes ? `\u001b[${codes[0]}m${text}\u001b[${codes[1]}m` : text;
}

/** The colour of an experiment outcome: green passed, yellow deviated/skipped, cyan inconclusive, red aborted/failed. */
export function outcomeStyle(outcome: string): Style {
  switch (outcome) {
    case 'passed':
      return 'green';
    case 'inconclusive':
      return 'cyan';
    case 'deviated':
    case 'skipped':
      return 'yellow';
    case 'aborted':
    case 'failed':
      return 'red';
    default:
      return 'bold';
  }
}

/** Writes one line to stdout. */
export function println(io: CliIo, text = ''): void {
  io.stdout.write(`${text}\n`);
}

/** Writes one line to stderr. */
export function eprintln(io: CliIo, text: string): void {
  io.stderr.write(`${text}\n`);
}

/** Formats seconds for people: `45 s`, `4 min 10 s`, `1 h 2 min`; `-` when unknown. */
export function formatSeconds(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '-';
  const total = Math.round(seconds);
  if (total < 60) return `${total} s`;
  const minutes = Math.floor(total / 60);
  const rest = total % 60;
  if (minutes < 60) return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
  const hours = Math.floor(minutes / 60);
  const restMinutes = minutes % 60;
  return restMinutes === 0 ? `${hours} h` : `${hours} h ${restMinutes} min`;
}

/** Formats a time offset as `m:ss` (or `h:mm:ss`), for progress lines. */
export function formatOffset(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/**
 * Lays out rows as a plain-text table with a header, columns padded to the widest cell.
 * Colours (added by `paint`) are not counted in the width, so pass plain cells and a painter.
 */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  paintCell: (row: number, column: number, text: string) => string = (_r, _c, text) => text,
): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[], painter: (column: number, text: string) => string): string =>
    cells
      .map((cell, column) => {
        const width = widths[column] ?? cell.length;
        const padded = column === cells.length - 1 ? cell : cell.padEnd(width);
        return painter(column, padded);
      })
      .join('  ')
      .trimEnd();
  return [
    line(header, (_c, text) => text),
    ...rows.map((row, index) => line(row, (column, text) => paintCell(index, column, text))),
  ];
}
