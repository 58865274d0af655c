import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  RescorlaWagnerPolicy,
  StepRecorder,
  accuracyFigure,
  cumulativeCurve,
  fitVolatility,
  harlowAccuracyFigure,
  harlowTrialAccuracy,
  laggedEffects,
  laggedRegressionFigure,
  learningRateFigure,
  logisticRegression,
  meanSemCurve,
  regretFigure,
  rescorlaWagnerNll,
  stayProbabilities,
  stayProbabilityFigure,
  trialCurves,
  twoStepLaggedRegression,
  twoStepTrialsFromSteps,
  volatileTrialsFromSteps,
  type TwoStepTrial,
} from '../src/metarl/analysis/index.js';
import {
  ModelBased,
  ModelFreeTD,
  ThompsonSampling,
  TwoStepStayCounter,
  evaluateBaseline,
  type BaselinePolicy,
} from '../src/metarl/baselines/index.js';
import {
  HarlowTask,
  TwoArmedIndependentBandit,
  TwoStepTask,
  VolatileBandit,
} from '../src/envs/metarl/index.js';
import { Rng } from '../src/math/rng.js';

const r3 = (x: number): number => Math.round(x * 1000) / 1000;

test('logistic regression recovers known coefficients with calibrated standard errors', () => {
  const rng = new Rng(11);
  const truth = [-0.5, 1.2, -2.0, 0.3];
  const n = 20000,
    p = truth.length;
  const X = new Float64Array(n * p),
    y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    X[i * p] = 1;
    for (let j = 1; j < p; j++) X[i * p + j] = rng.normal();
    let z = 0;
    for (let j = 0; j < p; j++) z += X[i * p + j]! * truth[j]!;
    y[i] = rng.bernoulli(1 / (1 + Math.exp(-z))) ? 1 : 0;
  }
  const fit = logisticRegression(X, y);
  console.log(
    'logistic coef',
    Array.from(fit.coef, r3),
    'se',
    Array.from(fit.se, r3),
    'iters',
    fit.iterations,
  );
  assert.ok(fit.converged);
  for (let j = 0; j < p; j++) {
    // 4 SE: a false failure rate ~1e-4 per coefficient, and the SE itself is checked against theory below.
    assert.ok(
      Math.abs(fit.coef[j]! - truth[j]!) < 4 * fit.se[j]!,
      `coef ${j}: ${fit.coef[j]} vs ${truth[j]} (se ${fit.se[j]})`,
    );
    assert.ok(fit.se[j]! > 0.01 && fit.se[j]! < 0.05, `se ${j}: ${fit.se[j]}`);
  }
  // Separable data: the ridge keeps the fit finite and the loop terminates.
  const Xs = Float64Array.from([1, -2, 1, -1, 1, 1, 1, 2]);
  const sep = logisticRegression(Xs, [0, 0, 1, 1], { l2: 1e-3, maxIter: 200 });
  assert.ok(sep.coef.every(Number.isFinite) && sep.coef[1]! > 3, String(Array.from(sep.coef)));
  assert.throws(() => logisticRegression(Float64Array.from([1, 2, 3]), [0, 1]), RangeError);
  assert.throws(() => logisticRegression(Float64Array.from([1, 2]), [0, 2]), RangeError);
});

test('stay probabilities and lagged regression on hand-built trials', () => {
  // Win-stay/lose-switch regardless of transition: reward effect 1, no interaction.
  const rng = new Rng(5);
  const eps: TwoStepTrial[][] = [];
  for (let e = 0; e < 50; e++) {
    const ep: TwoStepTrial[] = [];
    let c = rng.int(2);
    for (let t = 0; t < 100; t++) {
      const tr = { choice: c, common: rng.bernoulli(0.8), rewarded: rng.bernoulli(0.5) };
      ep.push(tr);
      c = tr.rewarded ? c : 1 - c;
    }
    eps.push(ep);
  }
  const s = stayProbabilities(eps);
  assert.equal(s.stay_rewarded_common, 1);
  assert.equal(s.stay_rewarded_rare, 1);
  assert.equal(s.stay_unrewarded_common, 0);
  assert.equal(s.stay_unrewarded_rare, 0);
  assert.equal(
    s.counts.reduce((a, b) => a + b),
    50 * 99,
  );
  assert.equal(s.reward_effect, 1);
  assert.equal(s.interaction, 0);
  // Deterministic behaviour is separable; the ridge keeps it finite and the lag-1 signs right.
  const reg = twoStepLaggedRegression(eps, { lags: 3, l2: 1 });
  assert.equal(reg.n, 50 * 99);
  assert.ok(reg.coef.rewarded_common[0]! > 1 && reg.coef.rewarded_rare[0]! > 1);
  assert.ok(reg.coef.unrewarded_common[0]! < -1 && reg.coef.unrewarded_rare[0]! < -1);
});

test('two-step: lagged regression separates model-based from model-free baselines', () => {
  const run = (pf: () => BaselinePolicy, stepsPerTrial: 1 | 2) => {
    const rec = new StepRecorder();
    const counter = new TwoStepStayCounter();
    evaluateBaseline(() => new TwoStepTask({ stepsPerTrial }), pf, {
      episodes: 200,
      seed: 3,
      observer: (r) => {
        rec.observe(r);
        counter.observe(r);
      },
    });
    const trials = twoStepTrialsFromSteps(rec.steps);
    assert.equal(trials.length, 200);
    assert.ok(trials.every((ep) => ep.length === 100));
    const stay = stayProbabilities(trials);
    // The adapter agrees with the baselines' own counter on the same stream.
    const ref = counter.result();
    assert.equal(stay.stay_rewarded_common, ref.stay_rewarded_common);
    assert.equal(stay.stay_rewarded_rare, ref.stay_rewarded_rare);
    assert.equal(stay.stay_unrewarded_common, ref.stay_unrewarded_common);
    assert.equal(stay.stay_unrewarded_rare, ref.stay_unrewarded_rare);
    assert.deepEqual(stay.counts, ref.counts);
    const reg = twoStepLaggedRegression(trials);
    assert.equal(reg.n, 200 * 99);
    assert.deepEqual(reg.lags, [1, 2, 3, 4, 5]);
    return { stay, reg, eff: laggedEffects(reg) };
  };
  // Measured (200 episodes, seed 3; identical for both encodings, which draw the same random numbers),
  // lag-1 weights RC/RR/UC/UR:
  //   MF (α = 1): 4.39 / 3.80 / −0.18 / −0.18; reward effect 4.28, interaction 0.59 (lags 2–5: −0.07..−0.14)
  //   MB (α = 0.5): 0.97 / −0.67 / −0.55 / 0.86; reward effect −0.01, interaction 3.06 (lags 2–5: 1.97, 1.76, 1.06, 1.03)
  // MF's small lag-1 interaction is the Akam et al. 2015 confound (the other action's last reward
  // correlates with the transition), magnified in logit units near the 0.98–0.99 stay ceiling; in
  // probability units it is 0.02.
  for (const spt of [2, 1] as const) {
    const mf = run(() => new ModelFreeTD(), spt);
    const mb = run(() => new ModelBased(), spt);
    const c1 = (x: ReturnType<typeof run>) =>
      [
        x.reg.coef.rewarded_common[0]!,
        x.reg.coef.rewarded_rare[0]!,
        x.reg.coef.unrewarded_common[0]!,
        x.reg.coef.unrewarded_rare[0]!,
      ] as const;
    const show = (name: string, x: ReturnType<typeof run>) =>
      console.log(
        `spt=${spt} ${name}: lag-1 RC/RR/UC/UR`,
        c1(x).map(r3),
        'reward',
        x.eff.reward.map(r3),
        'interaction',
        x.eff.interaction.map(r3),
      );
    show('MF', mf);
    show('MB', mb);
    {
      const [RC, RR, UC, UR] = c1(mf);
      assert.ok(RC > 3 && RR > 3, `MF repeats rewarded choices whatever the transition: ${RC}, ${RR}`);
      assert.ok(Math.abs(UC - UR) < 0.3, `MF unrewarded weights differ by transition: ${UC}, ${UR}`);
      assert.ok(mf.eff.reward[0]! > 3, `MF reward effect ${mf.eff.reward[0]}`);
      assert.ok(
        Math.abs(mf.eff.interaction[0]!) < 0.25 * mf.eff.reward[0]!,
        `MF interaction ${mf.eff.interaction[0]}`,
      );
      assert.ok(
        mf.eff.interaction.slice(1).every((v) => Math.abs(v) < 0.4),
        `MF later interactions ${mf.eff.interaction}`,
      );
      assert.ok(Math.abs(mf.stay.interaction) < 0.1 && mf.stay.reward_effect > 0.4);
    }
    {
      const [RC, RR, UC, UR] = c1(mb);
      assert.ok(RC > 0.5 && UR > 0.5 && RR < -0.3 && UC < -0.3, `MB lag-1 signs: ${[RC, RR, UC, UR]}`);
      assert.ok(mb.eff.interaction[0]! > 2, `MB interaction ${mb.eff.interaction[0]}`);
      assert.ok(Math.abs(mb.eff.reward[0]!) < 0.3, `MB reward effect ${mb.eff.reward[0]}`);
      // α = 0.5 keeps older outcomes in the values, so the signature persists over several lags.
      assert.ok(
        mb.eff.interaction.every((v) => v > 0.5),
        `MB interaction by lag ${mb.eff.interaction}`,
      );
      assert.ok(mb.stay.interaction > 0.7);
    }
  }
});

test('volatility: RW learning rates recovered per phase on the volatile bandit', () => {
  const simulate = (
    o: ConstructorParameters<typeof RescorlaWagnerPolicy>[0],
    seed: number,
    episodes = 100,
  ) => {
    const rec = new StepRecorder();
    evaluateBaseline(
      () => new VolatileBandit(),
      () => new RescorlaWagnerPolicy(o),
      { episodes, seed, observer: rec.observe },
    );
    return volatileTrialsFromSteps(rec.steps);
  };
  // The brief's setting, plus the reverse ordering and unequal temperatures, so recovery is not an
  // artefact of a prior toward "volatile is faster".
  const cases = [
    { o: { alphaStable: 0.2, alphaVolatile: 0.6, betaStable: 5, betaVolatile: 5 }, seed: 7 },
    { o: { alphaStable: 0.6, alphaVolatile: 0.2, betaStable: 5, betaVolatile: 5 }, seed: 8 },
    { o: { alphaStable: 0.2, alphaVolatile: 0.6, betaStable: 8, betaVolatile: 3 }, seed: 9 },
  ];
  for (const { o, seed } of cases) {
    const trials = simulate(o, seed);
    const t0 = performance.now();
    const fit = fitVolatility(trials);
    const ms = Math.round(performance.now() - t0);
    console.log('volatility', o, '→', {
      lr_stable: r3(fit.lr_stable),
      lr_volatile: r3(fit.lr_volatile),
      beta_stable: r3(fit.beta_stable),
      beta_volatile: r3(fit.beta_volatile),
      se_lr: [r3(fit.se.lr_stable), r3(fit.se.lr_volatile)],
      nll: r3(fit.nll),
      iterations: fit.iterations,
      ms,
    });
    assert.ok(fit.converged);
    assert.equal(fit.n_stable, 10000);
    assert.equal(fit.n_volatile, 10000);
    assert.ok(
      Math.abs(fit.lr_stable - o.alphaStable) < 0.07,
      `lr_stable ${fit.lr_stable} vs ${o.alphaStable}`,
    );
    assert.ok(
      Math.abs(fit.lr_volatile - o.alphaVolatile) < 0.07,
      `lr_volatile ${fit.lr_volatile} vs ${o.alphaVolatile}`,
    );
    assert.ok(
      Math.abs(fit.beta_stable - o.betaStable) < 0.25 * o.betaStable,
      `beta_stable ${fit.beta_stable}`,
    );
    assert.ok(
      Math.abs(fit.beta_volatile - o.betaVolatile) < 0.25 * o.betaVolatile,
      `beta_volatile ${fit.beta_volatile}`,
    );
    assert.ok(
      fit.se.lr_stable > 0 && fit.se.lr_stable < 0.05 && fit.se.lr_volatile > 0 && fit.se.lr_volatile < 0.05,
    );
    // An MLE's likelihood is at least that of the generating parameters and of the grid start.
    const truth = rescorlaWagnerNll(trials, {
      lr_stable: o.alphaStable,
      lr_volatile: o.alphaVolatile,
      beta_stable: o.betaStable,
      beta_volatile: o.betaVolatile,
    });
    assert.ok(fit.nll <= truth, `fit nll ${fit.nll} vs truth ${truth}`);
    assert.ok(fit.nll <= fitVolatility(trials, { maxIter: 0 }).nll + 1e-9);
  }
  // A phase without trials is reported as unidentified rather than as the grid's starting value.
  const stableOnly = simulate({ alphaStable: 0.3, betaStable: 5 }, 10, 30).map((ep) =>
    ep.filter((t) => !t.volatile),
  );
  const f = fitVolatility(stableOnly);
  assert.ok(Number.isNaN(f.lr_volatile) && Number.isNaN(f.beta_volatile) && f.n_volatile === 0);
  assert.ok(Math.abs(f.lr_stable - 0.3) < 0.1, `stable-only lr ${f.lr_stable}`);
});

test('curves: mean/SEM handle ragged episodes and NaN; cumulative SEM is that of episode totals', () => {
  const c = meanSemCurve([[1, 2, 3], [3, Number.NaN], [2]]);
  assert.deepEqual(c.mean, [2, 2, 3]);
  assert.deepEqual(c.n, [3, 1, 1]);
  assert.ok(Math.abs(c.sem[0]! - 1 / Math.sqrt(3)) < 1e-12);
  assert.ok(Number.isNaN(c.sem[1]!));
  const cum = cumulativeCurve([
    [1, 1],
    [0, 2],
  ]);
  assert.deepEqual(cum.mean, [0.5, 2]);
  assert.equal(cum.sem[1], 0);
});

test('curves agree with evaluateBaseline on a bandit; harlowTrialAccuracy on a scripted agent', () => {
  const rec = new StepRecorder();
  const res = evaluateBaseline(
    () => new TwoArmedIndependentBandit(),
    () => new ThompsonSampling(),
    { episodes: 300, seed: 4, observer: rec.observe },
  );
  const cur = trialCurves(rec.steps);
  assert.equal(cur.episodes, 300);
  assert.equal(cur.cumulativeRegret.mean.length, 100);
  for (let t = 0; t < 100; t++) {
    assert.ok(Math.abs(cur.cumulativeRegret.mean[t]! - res.curves.cumulativeRegret[t]!) < 1e-9);
    assert.ok(Math.abs(cur.optimal.mean[t]! - res.curves.optimal[t]!) < 1e-12);
    assert.ok(Math.abs(cur.reward.mean[t]! - res.curves.reward[t]!) < 1e-12);
  }
  assert.ok(Math.abs(cur.cumulativeRegret.sem[99]! - res.regret_sem) < 1e-9);
  assert.ok(cur.correct.n.every((n) => n === 0));

  // Remembers the rewarded object after trial 1 and deliberately breaks fixation on trial 3, so the
  // expected curve is known exactly: chance, then 1, then 0 (aborted), then 1.
  class ScriptedHarlow implements BaselinePolicy {
    readonly name = 'scripted-harlow';
    private known: number | undefined;
    reset(): void {
      this.known = undefined;
    }
    act(rng: Rng, _obs: Float32Array, info: Record<string, unknown>): number {
      const atChoice = info['phase'] === 'fixation' && info['fixated'] === true;
      if (!atChoice) return info['trial'] === 1 && info['phase'] === 'choice' ? 1 : 0;
      if (this.known === undefined) return 1 + rng.int(2);
      return info['left'] === this.known ? 1 : 2;
    }
    update(_a: number, _r: number, info: Record<string, unknown>): void {
      if (info['phase'] !== 'choice') return;
      const [a, b] = info['objects'] as [number, number];
      const chosen = info['chosen'] as number;
      this.known = info['correct'] === true ? chosen : chosen === a ? b : a;
    }
  }
  const hrec = new StepRecorder();
  evaluateBaseline(
    () => new HarlowTask(),
    () => new ScriptedHarlow(),
    { episodes: 400, seed: 5, observer: hrec.observe },
  );
  const acc = harlowTrialAccuracy(hrec.steps);
  console.log('harlow scripted accuracy', acc.mean.map(r3));
  assert.equal(acc.mean.length, 6);
  assert.ok(acc.n.every((n) => n === 400));
  assert.ok(Math.abs(acc.mean[0]! - 0.5) < 0.1);
  assert.deepEqual(acc.mean.slice(1), [1, 0, 1, 1, 1]);
});

test('figure helpers produce SVG with the series labels', () => {
  const curve = meanSemCurve([
    [0.1, 0.5, 0.9],
    [0.3, 0.7, Number.NaN],
  ]);
  const stay = stayProbabilities([
    [
      { choice: 0, common: true, rewarded: true },
      { choice: 0, common: false, rewarded: true },
      { choice: 1, common: true, rewarded: false },
      { choice: 0, common: false, rewarded: false },
      { choice: 0, common: true, rewarded: true },
      { choice: 0, common: true, rewarded: false },
    ],
  ]);
  const rng = new Rng(1);
  const eps: TwoStepTrial[][] = [
    Array.from({ length: 300 }, () => ({
      choice: rng.int(2),
      common: rng.bernoulli(0.8),
      rewarded: rng.bernoulli(0.5),
    })),
  ];
  const reg = twoStepLaggedRegression(eps, { lags: 3 });
  const fakeFit = {
    lr_stable: 0.21,
    lr_volatile: 0.58,
    beta_stable: 5,
    beta_volatile: 5,
    nll: 1,
    se: { lr_stable: 0.01, lr_volatile: 0.02, beta_stable: 0.1, beta_volatile: 0.1 },
    n_stable: 1,
    n_volatile: 1,
    iterations: 1,
    converged: true,
  };
  const figs: [string, string[]][] = [
    [
      regretFigure([
        { label: 'meta-RL LSTM', curve },
        { label: 'Thompson', curve: [0.2, 0.4, 0.6], dashed: true },
      ]),
      ['meta-RL LSTM', 'Thompson', 'Cumulative regret'],
    ],
    [accuracyFigure([{ label: 'A2C-LSTM', curve }]), ['A2C-LSTM', 'Accuracy by trial']],
    [harlowAccuracyFigure([{ label: 'eval pool', curve }]), ['eval pool', 'Harlow']],
    [stayProbabilityFigure(stay), ['rewarded', 'unrewarded', 'common', 'rare']],
    [
      laggedRegressionFigure(reg),
      ['rewarded, common', 'rewarded, rare', 'unrewarded, common', 'unrewarded, rare', 'trials back'],
    ],
    [
      learningRateFigure([
        { label: 'network', fit: fakeFit },
        { label: 'RW <ref>', fit: { ...fakeFit, se: { ...fakeFit.se, lr_volatile: Number.NaN } } },
      ]),
      ['network', 'stable', 'volatile', 'RW &lt;ref&gt;'],
    ],
  ];
  for (const [svg, labels] of figs) {
    assert.ok(svg.startsWith('<svg'), svg.slice(0, 40));
    assert.ok(svg.trimEnd().endsWith('</svg>'));
    assert.ok(!/NaN|undefined|Infinity/.test(svg), 'no non-finite numbers in the markup');
    for (const l of labels) assert.ok(svg.includes(l), `missing label ${l}`);
    const opens = (svg.match(/<(?!\/)[a-z]+[^>]*[^/]>/g) ?? []).length,
      closes = (svg.match(/<\/[a-z]+>/g) ?? []).length;
    assert.equal(opens, closes, 'every non-self-closing element is closed');
  }
});
