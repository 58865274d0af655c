/**
 * The SVG figures with non-finite input: every coordinate stays finite, lines break at the gaps, a
 * missing bar is labelled "n/a", and the caption counts what was skipped. Finite input has no caption.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barChart, linePlot } from '../src/plot/svg.js';
import { nonFiniteCoordinates } from '../test-support/svg.js';

const count = (s: string, re: RegExp) => [...s.matchAll(re)].length;

test('a line with NaN and Infinity in x, y and err breaks at the gaps and says how many values it skipped', () => {
  const svg = linePlot({
    title: 'gaps',
    xlabel: 'x',
    ylabel: 'y',
    series: [
      {
        label: 'a',
        x: [0, 1, 2, 3, 4, 5, 6, 7],
        y: [1, 2, NaN, 3, 4, Infinity, 5, 6],
        err: [0.1, 0.1, 0.1, NaN, 0.1, 0.1, 0.1, 0.1],
      },
      { label: 'b', x: [0, NaN, 2, 3], y: [1, 1, -Infinity, 2] },
    ],
  });
  assert.deepEqual(nonFiniteCoordinates(svg), []);
  // a: runs [0,1] [3,4] [6,7]; b: [0] alone (a marker) and [3] alone.
  assert.equal(count(svg, /<polyline /g), 3);
  assert.equal(count(svg, /<circle /g), 2);
  // a's band: [0,1], [4], [6,7] (index 3's half-width is NaN).
  assert.equal(count(svg, /<polygon /g), 3);
  // Skipped: a's y at 2 and 5, a's err at 3, b's points 1 and 2.
  assert.match(svg, />5 non-finite values skipped</);
});

test('a line or bar chart of nothing but NaN still renders, with finite coordinates', () => {
  const line = linePlot({
    title: 't',
    xlabel: 'x',
    ylabel: 'y',
    series: [{ label: 'a', x: [0, 1], y: [NaN, NaN] }],
  });
  assert.deepEqual(nonFiniteCoordinates(line), []);
  assert.match(line, />2 non-finite values skipped</);
  const bars = barChart({ title: 't', ylabel: 'y', groups: ['g'], series: [{ label: 'a', values: [NaN] }] });
  assert.deepEqual(nonFiniteCoordinates(bars), []);
  assert.match(bars, />n\/a</);
  assert.match(bars, />1 non-finite value skipped</);
});

test('a NaN bar shows "n/a" and leaves the other bars drawn to scale', () => {
  const svg = barChart({
    title: 'probes',
    ylabel: 'mean cortisol',
    groups: ['still spider', 'neutral object', 'spider picture'],
    series: [
      { label: 'before', values: [0.1, 0.1, NaN] },
      { label: 'after', values: [0.9, 0.1, 0.3], err: [0.05, Infinity, 0.02] },
    ],
  });
  assert.deepEqual(nonFiniteCoordinates(svg), []);
  assert.equal(count(svg, />n\/a</g), 1);
  // Five bars plus the plot frame and two legend swatches.
  assert.equal(count(svg, /<rect x=/g), 5 + 1 + 2);
  assert.equal(count(svg, /stroke="#222"/g), 2);
  assert.match(svg, />2 non-finite values skipped</);
});

test('finite input: no caption, one polyline per series, explicit non-finite limits ignored', () => {
  const svg = linePlot({
    title: 't',
    xlabel: 'x',
    ylabel: 'y',
    ylim: [0, NaN],
    series: [{ label: 'a', x: [0, 1, 2], y: [1, 2, 3], err: [0.1, 0.1, 0.1] }],
  });
  assert.deepEqual(nonFiniteCoordinates(svg), []);
  assert.equal(count(svg, /<polyline /g), 1);
  assert.doesNotMatch(svg, /skipped/);
  const bars = barChart({
    title: 't',
    ylabel: 'y',
    groups: ['a', 'b'],
    series: [{ label: 's', values: [-1, -1] }],
  });
  assert.deepEqual(nonFiniteCoordinates(bars), []);
  assert.doesNotMatch(bars, /skipped|n\/a/);
});

test('the test helper finds a NaN coordinate (so the checks above can fail)', () => {
  assert.deepEqual(nonFiniteCoordinates('<rect x="NaN" y="1" height="Infinity"/><text>NaN</text>'), [
    'x="NaN"',
    'height="Infinity"',
  ]);
});
