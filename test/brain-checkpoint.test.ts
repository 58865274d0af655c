/**
 * Agent checkpoints across format versions. test/fixtures/agent-format1.ckpt is a format-1 checkpoint
 * (the agent's own snapshot, stored with encodeTensors), written before each component saved itself: a
 * lifetime of 200 ticks in spiders.world with a small learner (agent-format1.json says which), with an
 * injected goal and stored episodes. The same file records what that lifetime did next, tick by tick; a
 * restored agent must do exactly that, from the format-1 file and from the format-2 snapshot it makes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAgent } from '../src/brain/build.js';
import { learnerConfig, type LearnerConfig } from '../src/brain/learning/config.js';
import { AGENT_FORMAT, type Agent, type AgentMetaV1 } from '../src/brain/agent.js';
import { mergeTensors } from '../src/brain/state.js';
import { CorruptDataError, decodeTensors, encodeTensors, type TensorRecord } from '../src/nn/serialize.js';
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

function loadFixture(): { meta: AgentMetaV1; tensors: Record<string, TensorRecord> } {
  const d = decodeTensors(new Uint8Array(readFileSync(`${FIXTURE}.ckpt`)));
  return { meta: d.meta as AgentMetaV1, tensors: d.tensors };
}

const fresh = (seed = info.seed + 1) => buildAgent(src, learnerConfig(info.learner), seed);

/** name → dtype, shape and every bit, for comparing tensor sets exactly. */
function bits(tensors: Record<string, TensorRecord>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, t] of Object.entries(tensors))
    out[k] =
      `${t.dtype} [${t.shape}] ${Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('hex')}`;
  return out;
}

test('a format-1 agent checkpoint loads into a fresh agent and continues as the lifetime that wrote it', () => {
  const c = info.continuation;
  // Another seed: everything the continuation depends on must come from the checkpoint.
  const a = fresh();
  a.restore(loadFixture());
  assert.equal(a.ticks, info.ticks);
  assert.deepEqual(trace(a, c.rooms, c.ticksPerRoom, c.planning), c.trace);
});

test('a format-2 snapshot (each component saving itself) holds the same tensors, bit for bit, and resumes exactly', () => {
  const c = info.continuation;
  const v1 = loadFixture();
  const a = fresh();
  a.restore(v1);
  const snap = a.snapshot();
  assert.equal(snap.meta.format, AGENT_FORMAT);
  assert.equal(AGENT_FORMAT, 2);
  // Every tensor of the format-1 file, bit for bit; besides them only the self-model's tables, which
  // format 1 predates: they load empty.
  const own = Object.fromEntries(Object.entries(snap.tensors).filter(([k]) => !k.startsWith('buf.self.')));
  assert.deepEqual(bits(own), bits(v1.tensors));
  for (const [k, t] of Object.entries(snap.tensors))
    if (k.startsWith('buf.self.'))
      assert.ok(
        t.data.every((v) => v === 0),
        k,
      );
  // Through the file format and into another fresh agent.
  const file = decodeTensors(encodeTensors(snap.tensors, snap.meta));
  const b = fresh(info.seed + 2);
  b.restore(file as Parameters<Agent['restore']>[0]);
  assert.equal(b.ticks, info.ticks);
  assert.deepEqual(
    b.learner.planner.goals.map((g) => g.name),
    ['probe'],
  );
  assert.deepEqual(trace(b, c.rooms, c.ticksPerRoom, c.planning), c.trace);
});

test('format-1 files that predate the episode ticks and visit counts load with "none recorded"', () => {
  const v1 = loadFixture();
  delete v1.tensors['buf.memory.tick'];
  delete v1.tensors['buf.learner.visits'];
  const a = fresh();
  a.restore(v1);
  assert.ok(a.learner.memory.tick.every((t) => t === -1));
  assert.ok(a.learner.visits.every((v) => v === 0));
  assert.equal(a.learner.memory.count, v1.meta.memoryCount);
});

test('an agent checkpoint of an unknown format, or with a buffer missing, is refused by name', () => {
  const a = fresh();
  const snap = structuredClone(a.snapshot());
  assert.throws(
    () => a.restore({ ...snap, meta: { ...snap.meta, format: 3 as never } }),
    (e: unknown) => e instanceof CorruptDataError && /agent checkpoint format 3/.test(e.message),
  );
  const { 'buf.replay.x': _, ...without } = snap.tensors;
  assert.throws(() => a.restore({ ...snap, tensors: without }), /checkpoint buffer 'replay.x' is missing/);
  assert.throws(
    () =>
      mergeTensors({ 'buf.x': snap.tensors['buf.agent.obs']! }, { 'buf.x': snap.tensors['buf.agent.obs']! }),
    /two components save a tensor named 'buf.x'/,
  );
});
