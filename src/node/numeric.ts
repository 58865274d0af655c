/**
 * The numeric configuration of a process: everything besides the command and the seed that decides the
 * last bits of its numbers (matrix kernel, OpenBLAS kernel family and version, thread policy, Node).
 * Recorded in each run's config.json and row; a resume under a different one is warned about, because
 * it cannot continue bit-exactly (docs/reproducibility.md).
 */
import type { GemmName } from '../math/gemm.js';
import { blasThreadPolicy, installedGemm, loadBlas } from './blas.js';

export const NUMERIC_CONFIG_VERSION = 1;

export interface NumericConfig {
  version: number;
  gemm: GemmName;
  /** Present when gemm is 'blas'. */
  blas?: {
    /** Kernel family in use (openblas_get_corename()). */
    coreType: string;
    /** pinned (the default), user (OPENBLAS_CORETYPE), steered (STEERED_BLAS_CORETYPE), native (by CPU). */
    coreTypeSource: string;
    /** openblas_get_config(): version and build. */
    build: string;
    threadCap: number;
    multiThreadMinMnk: number;
  };
  node: string;
  arch: string;
}

/** The configuration of this process (after installGemmFromEnv). */
export function numericConfig(): NumericConfig {
  const gemm = installedGemm() ?? 'ts';
  const out: NumericConfig = {
    version: NUMERIC_CONFIG_VERSION,
    gemm,
    node: process.version,
    arch: process.arch,
  };
  if (gemm === 'blas') {
    const b = loadBlas();
    if (b) {
      const t = blasThreadPolicy();
      out.blas = {
        coreType: b.info.coreType,
        coreTypeSource: b.info.coreTypeSource,
        build: b.info.config,
        threadCap: t.cap,
        multiThreadMinMnk: t.minMnk,
      };
    }
  }
  return out;
}

/**
 * The differences that can change numbers between two configurations, as "key: a → b" (empty when
 * none). The core-type source is not compared (the same kernels give the same bits however they were
 * chosen); the Node version is, since V8's Math functions are only known to agree within one version.
 */
export function numericDifferences(stored: unknown, current: NumericConfig): string[] {
  if (stored === undefined || stored === null || typeof stored !== 'object')
    return ['numeric configuration: not recorded → recorded'];
  const s = stored as Partial<NumericConfig>;
  const diffs: string[] = [];
  const cmp = (key: string, a: unknown, b: unknown) => {
    if (a !== b) diffs.push(`${key}: ${a ?? 'none'} → ${b ?? 'none'}`);
  };
  cmp('gemm', s.gemm, current.gemm);
  cmp('arch', s.arch, current.arch);
  cmp('node', s.node, current.node);
  if (s.gemm === 'blas' && current.gemm === 'blas') {
    cmp('blas core type', s.blas?.coreType, current.blas?.coreType);
    cmp('blas build', s.blas?.build, current.blas?.build);
    cmp('blas thread cap', s.blas?.threadCap, current.blas?.threadCap);
    cmp('blas multi-thread threshold', s.blas?.multiThreadMinMnk, current.blas?.multiThreadMinMnk);
  }
  return diffs;
}

/**
 * A one-line label of the fields `numericDifferences` compares, e.g. "blas Haswell (OpenBLAS 0.3.21 …),
 * node v20.20.2, x64": two configurations with the same label give the same bits. Null when not recorded.
 */
export function numericLabel(stored: unknown): string | null {
  if (stored === undefined || stored === null || typeof stored !== 'object') return null;
  const s = stored as Partial<NumericConfig>;
  const kernel =
    s.gemm === 'blas'
      ? `blas ${s.blas?.coreType ?? '?'} (${s.blas?.build ?? '?'}; threads ≤ ${s.blas?.threadCap ?? '?'} from ${s.blas?.multiThreadMinMnk ?? '?'})`
      : String(s.gemm ?? '?');
  return `${kernel}, node ${s.node ?? '?'}, ${s.arch ?? '?'}`;
}
