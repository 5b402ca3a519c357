import { writeFileSync } from 'node:fs';

/** A target a figure should meet. */
export interface Target {
  readonly max: number;
  /** How the target reads, e.g. `<= 300 KB`. */
  readonly label: string;
}

/** One measured figure. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly target?: Target;
  /** A short remark printed after the value. */
  readonly note?: string;
}

/** Collects figures in order, grouped under section titles. */
export class Report {
  private readonly rows: (Figure | { readonly section: string })[] = [];
  readonly notes: string[] = [];

  /** Starts a section. */
  section(title: string): void {
    this.rows.push({ section: title });
  }

  /** Adds a figure. */
  add(figure: Figure): void {
    this.rows.push(figure);
  }

  /** Adds a note printed under the table. */
  note(text: string): void {
    this.notes.push(text);
  }

  /** Every figure, in order. */
  figures(): Figure[] {
    return this.rows.filter((r): r is Figure => 'name' in r);
  }

  /** The readable table. */
  render(): string {
    const figures = this.figures();
    const nameWidth = Math.max(...figures.map((f) => f.name.length), 10);
    const valueWidth = Math.max(...figures.map((f) => formatValue(f).length), 8);
    const targetWidth = Math.max(...figures.map((f) => f.target?.label.length ?? 0), 6);
    const lines: string[] = [];
    for (const row of this.rows) {
      if ('section' in row) {
        lines.push('', row.section);
        continue;
      }
      const mark = row.target ? (row.value <= row.target.max ? 'PASS' : 'FAIL') : '';
      lines.push(
        [
          `  ${row.name.padEnd(nameWidth)}`,
          formatValue(row).padStart(valueWidth),
          (row.target?.label ?? '').padEnd(targetWidth),
          mark.padEnd(4),
          row.note ?? '',
        ]
          .join('  ')
          .trimEnd(),
      );
    }
    if (this.notes.length > 0) lines.push('', 'Notes', ...this.notes.map((n) => `  - ${n}`));
    return lines.join('\n');
  }

  /** Writes `{ "figures": { "<name>": { "value": n, "unit": "..." } } }`. */
  writeJson(file: string): void {
    const figures: Record<string, { value: number; unit: string; target?: string; pass?: boolean }> = {};
    for (const f of this.figures()) {
      figures[f.name] = {
        value: f.value,
        unit: f.unit,
        ...(f.target ? { target: f.target.label, pass: f.value <= f.target.max } : {}),
      };
    }
    writeFileSync(file, `${JSON.stringify({ figures, notes: this.notes }, null, 2)}\n`);
  }
}

function formatValue(figure: Figure): string {
  const { value, unit } = figure;
  let text: string;
  if (unit === 'USD') text = value < 0.01 ? value.toFixed(6) : value.toFixed(4);
  else if (Number.isInteger(value)) text = String(value);
  else text = value.toFixed(value < 10 ? 2 : 1);
  return `${text} ${unit}`;
}
