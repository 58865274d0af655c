/** Classical conditioning: paradigms as data, baseline models, and the runner that scores them. */
export * from './paradigm.js';
export * from './model.js';
export * from './rescorla-wagner.js';
export * from './td.js';
export * from './kalman.js';
export * from './models.js';
export * from './runner.js';
export { SHIPPED_PARADIGMS } from './shipped.js';
export * from './brain.js';
