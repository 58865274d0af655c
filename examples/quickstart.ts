// A brain from the bundled files, one short lifetime, then a named experiment run from code.
// Imports only the package's public entry points.
import { createBrain, gemmKernelName, runExperiment } from 'steered';
import { make } from 'steered/envs';

// A newborn brain in the spider world with the default Steering Subsystem (data/steering/default.steer).
const brain = createBrain({ world: 'spiders', steering: 'default', seed: 1 });
let reward = 0;
for (let t = 0; t < 500; t++) {
  brain.tick();
  reward += brain.last?.up.reward ?? 0;
}
console.log(
  `brain: ${brain.ticks} ticks, total reward ${reward.toFixed(2)} (matrix kernel: ${gemmKernelName})`,
);

// Any registered environment, Gymnasium-style.
const env = make('metarl/TwoArmedIndependent-v0');
const { observation } = env.reset({ seed: 0 });
console.log(`env: first observation has ${(observation as Float32Array).length} numbers`);

// A named experiment with a few --set keys; the metrics of its --json line come back as an object.
const result = await runExperiment('metarl/bandit-independent', {
  seed: 0,
  set: { updates: 20, episodes: 50 },
});
console.log(`experiment: regret ${Number(result.metrics.regret_mean).toFixed(2)} after 20 updates`);
