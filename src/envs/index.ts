/**
 * Public surface of src/envs. Importing it also registers the toy environments (toy.ts), so that
 * `make('toy/Corridor-v0')` works wherever envs are imported.
 */
export type { Env, Info, ResetOptions, ResetResult, SeededEnvState, Space, StepResult } from './core.js';
export * from './spaces.js';
export * from './wrappers.js';
export * from './registry.js';
export * from './vector.js';
export * from './checker.js';
export * from './toy.js';
