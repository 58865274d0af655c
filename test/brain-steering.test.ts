/** Steering Subsystem mechanisms: detectors, reactions, rewiring, ground truth, dopamine, modes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSteering } from '../src/brain/steering/config.js';
import { SteeringSubsystem } from '../src/brain/steering/steering.js';
import { detect } from '../src/brain/steering/detectors.js';
import type { CoarseChannel } from '../src/brain/senses.js';
import type { DownMessage, NonMotorOutput } from '../src/brain/messages.js';
import { emit, MODES } from '../src/brain/learning/modes.js';
import { learnerConfig } from '../src/brain/learning/config.js';

const STEER = `
[steering]
gamma = 0.5
senses = dark small enclosed haze
[body cortisol]
baseline = 0.1
decay = 0.5
max = 5
[detector scuttle]
kind = blob
flags = dark small
moving = yes
radius = 2
[detector home]
kind = room
tag = enclosed
[assessor value]
kind = value
[assessor cortisol]
truth = body cortisol
clear = reaction calm
horizon = 0.5
[assessor cortisol2]
truth = body cortisol
clear = always
[reaction fear]
when = detector scuttle > 0
body = cortisol +1
reward = -1
reflex = flee scuttle
[reaction anticipate]
when = assessor cortisol > 0.2
body = cortisol +0.5
[reaction envy]
when = weak cortisol > strong cortisol + 0.3
reward = -0.25
[reaction calm]
when = detector home > 0.5 ; quiet 2
[rewiring hab]
kind = habituation
reaction = fear
after = calm
within = 5
factor = 0.5
recovery = 0.1
`;

const ch = (o: Partial<CoarseChannel> = {}): CoarseChannel => ({
  blobs: [],
  taste: {},
  pain: 0,
  touch: 0,
  room: [],
  ...o,
});
const spider = (moving: boolean, dx = 1) => ({
  dx,
  dy: 0,
  dist: Math.abs(dx),
  flags: ['dark', 'small'],
  moving,
});
const down = (outputs: NonMotorOutput[] = []): DownMessage => ({ motor: { action: 0, gain: 1 }, outputs });

test('the scuttle detector fires for a small dark moving blob only', () => {
  const spec = parseSteering(STEER, 's');
  const d = spec.detectors[0]!;
  assert.ok(detect(d, ch({ blobs: [spider(true)] })) > 0.6);
  assert.equal(detect(d, ch({ blobs: [spider(false)] })), 0, 'still spider');
  assert.equal(
    detect(d, ch({ blobs: [{ dx: 1, dy: 0, dist: 1, flags: ['flat'], moving: false }] })),
    0,
    'picture',
  );
  assert.equal(
    detect(d, ch({ blobs: [{ dx: 1, dy: 0, dist: 1, flags: ['light'], moving: true }] })),
    0,
    'moving ball',
  );
  assert.equal(detect(d, ch({ blobs: [spider(true, 3)] })), 0, 'out of range');
});

test('an innate reaction changes the body, rewards, flees, and is ground truth; defer vs always', () => {
  const s = new SteeringSubsystem(parseSteering(STEER, 's'));
  const up = s.step(ch({ blobs: [spider(true, 1)] }), down());
  assert.ok(s.bodyVar('cortisol') > 0.5);
  assert.ok(up.reward < -0.5);
  assert.equal(up.reflex, 3, 'spider to the right → move left');
  assert.equal(up.targets.cortisol!.kind, 'truth');
  const quiet = s.step(ch(), down());
  assert.equal(quiet.targets.cortisol!.kind, 'defer', 'no signal, no clear → defer to the predictor');
  assert.deepEqual(quiet.targets.cortisol2, { kind: 'truth', value: 0 }, 'clear = always → ground truth 0');
  assert.equal(quiet.reflex, -1);
});

test('complying with a strong prediction is not ground truth (no self-fulfilling loop)', () => {
  const s = new SteeringSubsystem(parseSteering(STEER, 's'));
  const up = s.step(ch(), down([{ assessor: 'cortisol', value: 0.9, gain: 1 }]));
  assert.ok(s.trace.fired.some((f) => f.name === 'anticipate'));
  assert.ok(s.bodyVar('cortisol') > 0.4, 'cortisol released by compliance');
  assert.equal(up.targets.cortisol!.kind, 'defer');
  assert.deepEqual(up.targets.cortisol2, { kind: 'truth', value: 0 });
  const weak = new SteeringSubsystem(parseSteering(STEER, 's'));
  weak.step(ch(), down([{ assessor: 'cortisol', value: 0.9, gain: 0.3 }]));
  assert.ok(!weak.trace.fired.some((f) => f.name === 'anticipate'), 'a weak output is not a strong one');
});

test('weak-above-strong fires for any weak source, and the message cannot say which mode it was', () => {
  const cfg = learnerConfig();
  for (const mode of MODES.filter((m) => m !== 'predict')) {
    const out: NonMotorOutput[] = [];
    emit(['cortisol'], [0.1], cfg.gains.predict, out);
    emit(['cortisol'], [0.9], cfg.gains[mode], out);
    assert.deepEqual(Object.keys(out[1]!).sort(), ['assessor', 'gain', 'value'], 'no mode field');
    const s = new SteeringSubsystem(parseSteering(STEER, 's'));
    s.step(ch(), down(out));
    assert.ok(
      s.trace.fired.some((f) => f.name === 'envy'),
      mode,
    );
  }
  const s = new SteeringSubsystem(parseSteering(STEER, 's'));
  s.step(
    ch(),
    down([
      { assessor: 'cortisol', value: 0.5, gain: 1 },
      { assessor: 'cortisol', value: 0.6, gain: 0.3 },
    ]),
  );
  assert.ok(!s.trace.fired.some((f) => f.name === 'envy'), 'a weak signal within the margin does not fire');
});

test('habituation: fear followed by calm weakens fear; the gain recovers over time', () => {
  const s = new SteeringSubsystem(parseSteering(STEER, 's'));
  s.step(ch({ blobs: [spider(true)] }), down());
  for (let i = 0; i < 3; i++) s.step(ch({ room: ['enclosed'] }), down());
  const g1 = s.reactionGain('fear');
  assert.ok(g1 < 0.6, `gain after one pairing ${g1}`);
  s.switches.rewiring = false;
  s.step(ch({ blobs: [spider(true)] }), down());
  for (let i = 0; i < 3; i++) s.step(ch({ room: ['enclosed'] }), down());
  assert.ok(s.reactionGain('fear') > g1, 'switched off: no further habituation, only recovery');
  for (let i = 0; i < 100; i++) s.step(ch(), down());
  assert.ok(s.reactionGain('fear') > 0.99, 'spontaneous recovery');
});

test('dopamine is r + γ·V_now − V_before from the strong value output', () => {
  const s = new SteeringSubsystem(parseSteering(STEER, 's'));
  s.step(ch(), down([{ assessor: 'value', value: 2, gain: 1 }]));
  s.giveReward(1);
  const up = s.step(ch(), down([{ assessor: 'value', value: 4, gain: 1 }]));
  assert.ok(Math.abs(up.dopamine - (1 + 0.5 * 4 - 2)) < 1e-12, String(up.dopamine));
  const w = s.step(ch(), down([{ assessor: 'value', value: 100, gain: 0.3 }]));
  assert.ok(Math.abs(w.dopamine - (0 + 0 - 4)) < 1e-12, 'an imagined value is not the present one');
});

test("a seized reward channel replaces the reward function (and is the reward assessor's truth) until repaired", () => {
  const spec = parseSteering(
    STEER.replace('[reaction fear]', '[assessor reward]\ntruth = reward\nclear = always\n\n[reaction fear]'),
    's',
  );
  const s = new SteeringSubsystem(spec);
  s.seizeRewardChannel(5);
  const up = s.step(ch({ blobs: [spider(true)] }), down());
  assert.equal(up.reward, 5, "the fear reaction's −1 is not what arrives");
  assert.deepEqual(up.targets.reward, { kind: 'truth', value: 5 });
  s.seizeRewardChannel(null);
  const up2 = s.step(ch({ blobs: [spider(true)] }), down());
  assert.ok(up2.reward < 0);
});

test('a dormant reaction (gain 0) does nothing until an install rule switches it on; resetGain washes it out', () => {
  const spec = parseSteering(
    `${STEER}
[detector haze]
kind = blob
flags = haze
radius = 0
[reaction whiff]
when = detector haze > 0.5
[reaction high]
when = detector haze > 0.5
reward = 3
gain = 0
[rewiring addiction]
kind = install
reaction = high
after = whiff
factor = 1
recovery = 0.5
`,
    's',
  );
  const haze = { dx: 0, dy: 0, dist: 0, flags: ['haze'], moving: false };
  const s = new SteeringSubsystem(spec);
  assert.equal(s.reactionGain('high'), 0);
  const first = s.step(ch({ blobs: [haze] }), down());
  assert.equal(first.reward, 0, 'the first whiff pays nothing: the pathway was dormant');
  assert.ok(!s.trace.fired.some((f) => f.name === 'high'), 'a dormant reaction does not count as fired');
  assert.equal(
    s.reactionGain('high'),
    0.5,
    'installed at 1, then one tick of recovery toward the birth gain 0',
  );
  const second = s.step(ch({ blobs: [haze] }), down());
  assert.equal(
    second.reward,
    1.5,
    'the reward scales with the gain it has when it fires (0.5), and this whiff re-installs it',
  );
  assert.equal(s.reactionGain('high'), 0.5);
  for (let i = 0; i < 40; i++) s.step(ch(), down());
  assert.ok(s.reactionGain('high') < 1e-6, 'recovery relaxes toward the birth gain (0), not toward 1');
  s.step(ch({ blobs: [haze] }), down());
  s.resetGain('high');
  assert.equal(s.reactionGain('high'), 0);
  assert.throws(() => s.resetGain('nope'), /no reaction 'nope'/);
  assert.throws(
    () => parseSteering(`${STEER}\n[rewiring x]\nkind = install\nreaction = nope\nafter = fear\n`, 'f.steer'),
    /f\.steer:\d+: reaction 'nope' is not declared/,
  );
});
