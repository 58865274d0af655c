/**
 * Minimal SVG figures (line plots with optional error bands, grouped bar charts). Pure string
 * building, so figures are produced identically in Node and the browser and diff cleanly in git.
 *
 * Non-finite values (NaN, ±Infinity: a diverged loss, a rate over zero trials) never reach a coordinate:
 * one such value would turn every scaled coordinate into NaN and blank the whole figure. Lines break at
 * them, a missing bar is labelled "n/a", and a caption says how many values were skipped.
 */
export interface Series {
  label: string;
  x: readonly number[];
  y: readonly number[];
  /** Optional half-width of an error band (e.g. SEM) at each point. */
  err?: readonly number[];
  dashed?: boolean;
  /** Draw the points as dots without joining them (e.g. one value per seed). */
  points?: boolean;
}

export interface LinePlot {
  title: string;
  xlabel: string;
  ylabel: string;
  series: readonly Series[];
  ylim?: [number, number];
  width?: number;
  height?: number;
}

const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#17becf',
  '#bcbd22',
];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1000 || a < 0.01) return v.toExponential(1);
  return Number(v.toPrecision(3)).toString();
}

function ticks(lo: number, hi: number, n = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

/** Smallest and largest of `xs` (a loop: spreading a long array into Math.min overflows the stack). */
function extent(xs: readonly number[]): [number, number] | null {
  if (xs.length === 0) return null;
  let lo = Infinity,
    hi = -Infinity;
  for (const x of xs) {
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  return [lo, hi];
}

/** An explicit axis range, unless either end is not finite (then the data decide). */
function finiteLimits(lim: readonly [number, number] | undefined): [number, number] | null {
  return lim && Number.isFinite(lim[0]) && Number.isFinite(lim[1]) ? [lim[0], lim[1]] : null;
}

/** Maximal runs of consecutive indices in [0, n) for which `ok` holds: the pieces a line is drawn in. */
function runs(n: number, ok: (i: number) => boolean): number[][] {
  const out: number[][] = [];
  let cur: number[] = [];
  for (let i = 0; i < n; i++) {
    if (ok(i)) cur.push(i);
    else if (cur.length) {
      out.push(cur);
      cur = [];
    }
  }
  if (cur.length) out.push(cur);
  return out;
}

/** The note under a figure that some values could not be drawn. */
function skippedCaption(out: string[], H: number, skipped: number): void {
  if (skipped === 0) return;
  out.push(
    `<text x="4" y="${H - 4}" font-size="10" fill="#666">${skipped} non-finite value${skipped === 1 ? '' : 's'} skipped</text>`,
  );
}

/** Opening tag, white background, title and horizontal grid lines with their y labels. */
function header(
  out: string[],
  W: number,
  H: number,
  left: number,
  pw: number,
  title: string,
  yticks: number[],
  sy: (y: number) => number,
): void {
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${left + pw / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>`);
  for (const t of yticks) {
    out.push(
      `<line x1="${left}" x2="${left + pw}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" stroke="#e5e5e5"/>`,
    );
    out.push(`<text x="${left - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>`);
  }
}

export function linePlot(p: LinePlot): string {
  const W = p.width ?? 640,
    H = p.height ?? 400;
  const m = { l: 64, r: 170, t: 36, b: 48 };
  const pw = W - m.l - m.r,
    ph = H - m.t - m.b;
  const fin = Number.isFinite;
  // A point is drawn when both its coordinates are finite; its error band where its half-width is too.
  const drawn = (s: Series, i: number) => fin(s.x[i]!) && fin(s.y[i]!);
  const banded = (s: Series, i: number) => drawn(s, i) && fin(s.err![i]!);
  let skipped = 0;
  const xs: number[] = [],
    ys: number[] = [];
  for (const s of p.series) {
    const n = Math.max(s.x.length, s.y.length);
    for (let i = 0; i < n; i++) {
      if (!drawn(s, i)) {
        skipped++;
        continue;
      }
      xs.push(s.x[i]!);
      const e = s.err?.[i] ?? 0;
      if (fin(e)) ys.push(s.y[i]! - e, s.y[i]! + e);
      else {
        ys.push(s.y[i]!);
        if (s.err && i < s.err.length) skipped++;
      }
    }
  }
  const [x0, x1] = extent(xs) ?? [0, 1];
  let [y0, y1] = finiteLimits(p.ylim) ?? extent(ys) ?? [0, 1];
  if (!(y1 > y0)) {
    y0 -= 1;
    y1 += 1;
  }
  const sx = (x: number) => m.l + (x1 > x0 ? ((x - x0) / (x1 - x0)) * pw : pw / 2);
  const sy = (y: number) => m.t + ph - ((y - y0) / (y1 - y0)) * ph;
  const out: string[] = [];
  header(out, W, H, m.l, pw, p.title, ticks(y0, y1), sy);
  for (const t of ticks(x0, x1))
    out.push(`<text x="${sx(t).toFixed(1)}" y="${m.t + ph + 16}" text-anchor="middle">${fmt(t)}</text>`);
  out.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${m.l + pw / 2}" y="${H - 10}" text-anchor="middle">${esc(p.xlabel)}</text>`);
  out.push(
    `<text transform="translate(16 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">${esc(p.ylabel)}</text>`,
  );
  p.series.forEach((s, k) => {
    const c = PALETTE[k % PALETTE.length];
    const n = Math.min(s.x.length, s.y.length);
    if (s.err) {
      for (const r of runs(n, (i) => banded(s, i))) {
        const up = r.map((i) => `${sx(s.x[i]!).toFixed(1)},${sy(s.y[i]! + s.err![i]!).toFixed(1)}`);
        const dn = r.map((i) => `${sx(s.x[i]!).toFixed(1)},${sy(s.y[i]! - s.err![i]!).toFixed(1)}`).reverse();
        out.push(
          `<polygon points="${[...up, ...dn].join(' ')}" fill="${c}" fill-opacity="0.15" stroke="none"/>`,
        );
      }
    }
    for (const r of runs(n, (i) => drawn(s, i))) {
      if (s.points) {
        for (const i of r)
          out.push(
            `<circle cx="${sx(s.x[i]!).toFixed(1)}" cy="${sy(s.y[i]!).toFixed(1)}" r="3.5" fill="${c}"/>`,
          );
        continue;
      }
      if (r.length === 1) {
        // A point between two gaps has no neighbour to draw a line to.
        const i = r[0]!;
        out.push(
          `<circle cx="${sx(s.x[i]!).toFixed(1)}" cy="${sy(s.y[i]!).toFixed(1)}" r="2.5" fill="${c}"/>`,
        );
        continue;
      }
      const pts = r.map((i) => `${sx(s.x[i]!).toFixed(1)},${sy(s.y[i]!).toFixed(1)}`).join(' ');
      out.push(
        `<polyline points="${pts}" fill="none" stroke="${c}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      );
    }
    const ly = m.t + 10 + k * 18;
    out.push(
      `<line x1="${m.l + pw + 12}" x2="${m.l + pw + 34}" y1="${ly}" y2="${ly}" stroke="${c}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    out.push(`<text x="${m.l + pw + 40}" y="${ly + 4}">${esc(s.label)}</text>`);
  });
  skippedCaption(out, H, skipped);
  out.push('</svg>');
  return out.join('\n');
}

export interface BarChart {
  title: string;
  ylabel: string;
  /** Group labels along x (e.g. "rewarded", "unrewarded"). */
  groups: readonly string[];
  /** One bar per group for each series (e.g. "common", "rare"). */
  series: readonly { label: string; values: readonly number[]; err?: readonly number[] }[];
  ylim?: [number, number];
  width?: number;
  height?: number;
  /** Slant the group labels (many or long groups), with room for them below the axis. */
  slantLabels?: boolean;
}

export function barChart(p: BarChart): string {
  const W = p.width ?? 560,
    H = p.height ?? (p.slantLabels ? 500 : 380);
  const m = { l: 64, r: p.slantLabels ? 220 : 140, t: 36, b: p.slantLabels ? 150 : 48 };
  const pw = W - m.l - m.r,
    ph = H - m.t - m.b;
  const fin = Number.isFinite;
  const vals: number[] = [];
  for (const s of p.series)
    for (let i = 0; i < p.groups.length; i++) {
      const v = s.values[i]!,
        e = s.err?.[i] ?? 0;
      if (fin(v)) vals.push(fin(e) ? v + e : v);
    }
  const lim = finiteLimits(p.ylim);
  let [y0, y1] = lim ?? (vals.length ? [Math.min(0, ...vals), Math.max(...vals) * 1.05 || 1] : [0, 1]);
  if (!(y1 > y0)) {
    y0 -= 1;
    y1 += 1;
  }
  const sy = (y: number) => m.t + ph - ((y - y0) / (y1 - y0)) * ph;
  const gw = pw / p.groups.length,
    bw = (gw * 0.8) / p.series.length;
  let skipped = 0;
  const out: string[] = [];
  header(out, W, H, m.l, pw, p.title, ticks(y0, y1), sy);
  p.groups.forEach((g, gi) => {
    const lx = (m.l + gw * gi + gw / 2).toFixed(1);
    out.push(
      p.slantLabels
        ? `<text transform="translate(${lx} ${m.t + ph + 12}) rotate(-40)" text-anchor="end">${esc(g)}</text>`
        : `<text x="${lx}" y="${m.t + ph + 18}" text-anchor="middle">${esc(g)}</text>`,
    );
    p.series.forEach((s, si) => {
      const v = s.values[gi]!;
      const x = m.l + gw * gi + gw * 0.1 + bw * si;
      const base = sy(Math.max(y0, Math.min(0, y1)));
      if (!fin(v)) {
        skipped++;
        out.push(
          `<text x="${(x + bw * 0.46).toFixed(1)}" y="${(base - 4).toFixed(1)}" text-anchor="middle" font-size="10" fill="#666">n/a</text>`,
        );
        return;
      }
      const top = sy(Math.max(v, y0));
      out.push(
        `<rect x="${x.toFixed(1)}" y="${Math.min(top, base).toFixed(1)}" width="${(bw * 0.92).toFixed(1)}" height="${Math.abs(base - top).toFixed(1)}" fill="${PALETTE[si % PALETTE.length]}"/>`,
      );
      const e = s.err?.[gi];
      if (e !== undefined && !fin(e)) skipped++;
      else if (e) {
        const cx = x + bw * 0.46;
        out.push(
          `<line x1="${cx.toFixed(1)}" x2="${cx.toFixed(1)}" y1="${sy(v - e).toFixed(1)}" y2="${sy(v + e).toFixed(1)}" stroke="#222"/>`,
        );
      }
    });
  });
  out.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  out.push(
    `<text transform="translate(16 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">${esc(p.ylabel)}</text>`,
  );
  p.series.forEach((s, k) => {
    const ly = m.t + 10 + k * 18;
    out.push(
      `<rect x="${m.l + pw + 12}" y="${ly - 6}" width="14" height="12" fill="${PALETTE[k % PALETTE.length]}"/>`,
    );
    out.push(`<text x="${m.l + pw + 32}" y="${ly + 4}">${esc(s.label)}</text>`);
  });
  skippedCaption(out, H, skipped);
  out.push('</svg>');
  return out.join('\n');
}
