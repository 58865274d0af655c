/**
 * Agent checkpoints across format versions. test/fixtures/agent-format1.ckpt is a format-1 checkpoint
 * (the agent's own snapshot, stored with encodeTensors): a lifetime of 200 ticks in spiders.world with a
 * small learner (agent-format1.json says which), with an injected goal and stored episodes. The same
 * file records what that lifetime did next, tick by tick; a restored agent must do exactly that.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAgent } from '../src/brain/build.js';
import { learnerConfig, type LearnerConfig } from '../src/brain/learning/config.js';
import type { Agent, AgentMeta } from '../src/brain/agent.js';
import { decodeTensors } from '../src/nn/serialize.js';
import { enter, live } from '../src/experiments/brain/protocol.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURE = join(ROOT, 'test/fixtures/agent-format1');

interface FixtureInfo {
  world: string;
  steering: string;
  learner: { [K in keyof LearnerConfig]?: Partial<LearnerConfig[K]> };
  seed: number;
  ticks: number;
  continuation: { rooms: string[]; ticksPerRoom: number; planning: boolean; trace: number[] };
}

const info = JSON.parse(readFileSync(`${FIXTURE}.json`, 'utf8')) as FixtureInfo;
const src = {
  world: { text: readFileSync(join(ROOT, info.world), 'utf8'), file: info.world },
  steering: { text: readFileSync(join(ROOT, info.steering), 'utf8'), file: info.steering },
};

function trace(a: Agent, rooms: string[], ticks: number, planning: boolean): number[] {
  const out: number[] = [];
  for (const r of rooms) {
    enter(a, r);
    live(a, ticks, {
      planning,
      onTick: (t) => out.push(t.action, t.up.reward, t.up.dopamine, ...t.down.outputs.map((o) => o.value)),
    });
  }
  return out;
}

function loadFixture(): { meta: AgentMeta; tensors: ReturnType<typeof decodeTensors>['tensors'] } {
  const d = decodeTensors(new Uint8Array(readFileSync(`${FIXTURE}.ckpt`)));
  return { meta: d.meta as AgentMeta, tensors: d.tensors };
}

test('a format-1 agent checkpoint loads into a fresh agent and continues as the lifetime that wrote it', () => {
  const c = info.continuation;
  // Another seed: everything the continuation depends on must come from the checkpoint.
  const a = buildAgent(src, learnerConfig(info.learner), info.seed + 1);
  a.restore(loadFixture());
  assert.equal(a.ticks, info.ticks);
  assert.deepEqual(trace(a, c.rooms, c.ticksPerRoom, c.planning), c.trace);
});
