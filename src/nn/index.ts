/** Public surface of the numeric core's layers: typed-array modules with fused backward passes. */
export * from './param.js';
export * from './activations.js';
export * from './linear.js';
export * from './mlp.js';
export * from './lstm.js';
export * from './gru.js';
export * from './heads.js';
export * from './losses.js';
export * from './optim.js';
export * from './serialize.js';
export * from './gradcheck.js';
export {
  gemm,
  gemmKernel,
  setGemmKernel,
  tsGemm,
  type GemmKernel,
  type GemmName,
  type Vec,
} from '../math/gemm.js';
export { wasmGemm, wasmSimdAvailable } from '../math/gemm-wasm.js';
export { Rng, type RngState } from '../math/rng.js';
