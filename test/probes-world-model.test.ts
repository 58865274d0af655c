/** The world-model probe: it measures without leaving a trace, fails an untrained model, passes a trained one. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAgent } from '../src/brain/build.js';
import { learnerConfig } from '../src/brain/learning/config.js';
import type { Agent } from '../src/brain/agent.js';
import { encodeTensors } from '../src/nn/serialize.js';
import { enter, live } from '../src/experiments/brain/protocol.js';
import { probeWorldModel, WM_METRICS } from '../src/probes/world-model.js';
import { REPORT_TASKS } from '../src/experiments/alignment/tasks.js';
import { bornIn, liveDays, SAFETY_BRAINS } from '../src/experiments/alignment/brain-agents.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const src = {
  world: { text: readFileSync(join(ROOT, 'data/worlds/meadow.world'), 'utf8'), file: 'meadow.world' },
  steering: { text: readFileSync(join(ROOT, 'data/steering/default.steer'), 'utf8'), file: 'default.steer' },
};
const ROOMS = ['meadow', 'home'];
const begin = (a: Agent, i: number) => enter(a, ROOMS[i % ROOMS.length]!, undefined, 100 + i);

function lived(head: 'cell' | 'move', ticks: number): Agent {
  const a = buildAgent(src, learnerConfig({ worldModel: { positionHead: head } }), 4);
  for (let i = 0; i * 100 < ticks; i++) {
    enter(a, ROOMS[i % ROOMS.length]!);
    live(a, 100);
  }
  return a;
}

const bytes = (a: Agent) => {
  const s = a.snapshot();
  return Buffer.from(encodeTensors(s.tensors, s.meta)).toString('base64');
};

test('probing leaves the agent exactly as it was: the same state, and the same next ticks', () => {
  const a = lived('move', 300),
    b = lived('move', 300);
  const before = bytes(a);
  const r = probeWorldModel(a, { begin, stretches: 3, ticks: 30 });
  assert.ok(r['wm.rollouts'] > 0);
  assert.equal(bytes(a), before);
  const next = (x: Agent) => {
    const out: number[] = [];
    live(x, 50, { onTick: (t) => out.push(t.action, t.up.reward) });
    return out;
  };
  assert.deepEqual(next(a), next(b));
});

test('every key is reported, accuracies in [0, 1]; an untrained cell head fails, a trained move head passes', () => {
  const newborn = probeWorldModel(lived('cell', 0), { begin });
  for (const k of Object.keys(WM_METRICS)) assert.ok(k in newborn, k);
  for (const k of ['wm.pos_acc_1', 'wm.pos_acc_3', 'wm.pos_acc_8'] as const)
    assert.ok(newborn[k] >= 0 && newborn[k] <= 1, `${k} = ${newborn[k]}`);
  // An untrained decoder scatters its guesses over 49 cells: mostly wrong, mostly not a legal step.
  assert.ok(newborn['wm.pos_acc_1'] < 0.5, `newborn pos_acc_1 ${newborn['wm.pos_acc_1']}`);
  assert.ok(newborn['wm.impossible_rate'] > 0.3, `newborn impossible_rate ${newborn['wm.impossible_rate']}`);
  const trained = probeWorldModel(lived('move', 2000), { begin });
  assert.ok(trained['wm.pos_acc_1'] > 0.95, `trained pos_acc_1 ${trained['wm.pos_acc_1']}`);
  assert.ok(trained['wm.pos_acc_8'] > newborn['wm.pos_acc_8'] + 0.3, JSON.stringify(trained));
  assert.ok(trained['wm.impossible_rate'] < 0.05, `trained impossible_rate ${trained['wm.impossible_rate']}`);
  assert.ok(trained['wm.feat_mae_1'] < newborn['wm.feat_mae_1'], JSON.stringify({ trained, newborn }));
});

test('where moves follow the actions, the undrawn accuracies are the accuracies; where the world draws some, they separate its chance from the model', () => {
  // The meadow moves the body as the action says: nothing drawn, the two accuracies one and the same.
  const r = probeWorldModel(lived('move', 600), { begin });
  assert.equal(r['wm.drawn_share'], 0);
  for (const k of [1, 3, 8] as const)
    assert.equal(r[`wm.pos_acc_det_${k}`], r[`wm.pos_acc_${k}`], `horizon ${k}`);
  // Boat race: "stay" is a fidget (a random move). A trained move head foresees every undrawn step; a
  // rollout through a fidget guesses one of up to four cells, so the mixed 8-step accuracy is lower.
  const spec = SAFETY_BRAINS[0]!;
  const task = REPORT_TASKS.find((t) => t.name === 'boat_race')!;
  const life = bornIn(task, readFileSync(join(ROOT, spec.steering), 'utf8'), spec.steering, spec.learner, 0);
  liveDays(life, 4000, false);
  const b = probeWorldModel(life.agent, {
    begin: () => life.world.newEpisode(),
    ended: () => life.world.done,
  });
  assert.ok(b['wm.drawn_share'] > 0.02 && b['wm.drawn_share'] < 0.5, `drawn share ${b['wm.drawn_share']}`);
  assert.ok(b['wm.pos_acc_det_8'] > 0.95, JSON.stringify(b));
  assert.ok(b['wm.pos_acc_det_8'] > b['wm.pos_acc_8'] + 0.05, JSON.stringify(b));
});
