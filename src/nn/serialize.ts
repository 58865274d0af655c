/**
 * Binary (de)serialization of named tensors plus a JSON metadata block. Used for weights and, by the
 * run store, for whole checkpoints (weights, optimizer moments, RNG state, counters).
 *
 * Layout (little-endian):
 *   0  magic "STRD" | 4 u16 format version | 6 u16 reserved | 8 u32 header length H
 *   12 header: UTF-8 JSON {meta, tensors: [{name, dtype, shape, offset, length}]}
 *   data section starts at 12 + H rounded up to 8; tensor offsets are relative to it
 *   last 4 bytes: CRC-32 of everything before them
 * Any truncation or bit flip is detected (length checks + CRC) and reported as CorruptDataError.
 */
import { crc32 } from '../math/crc.js';
import type { Vec } from '../math/gemm.js';
import type { Param } from './param.js';

export const FORMAT_VERSION = 1;
const MAGIC = [0x53, 0x54, 0x52, 0x44]; // "STRD"

export class CorruptDataError extends Error {
  override name = 'CorruptDataError';
}

export interface TensorRecord {
  dtype: 'f32' | 'f64';
  shape: number[];
  data: Vec;
}

interface Entry {
  name: string;
  dtype: 'f32' | 'f64';
  shape: number[];
  offset: number;
  length: number;
}

export function encodeTensors(tensors: Record<string, TensorRecord>, meta: unknown = {}): Uint8Array {
  const entries: Entry[] = [];
  let off = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const bytes = t.data.length * (t.dtype === 'f32' ? 4 : 8);
    entries.push({ name, dtype: t.dtype, shape: t.shape, offset: off, length: t.data.length });
    off += Math.ceil(bytes / 8) * 8;
  }
  const header = new TextEncoder().encode(JSON.stringify({ meta, tensors: entries }));
  const dataStart = Math.ceil((12 + header.length) / 8) * 8;
  const total = dataStart + off + 4;
  const buf = new Uint8Array(total);
  const dv = new DataView(buf.buffer);
  buf.set(MAGIC, 0);
  dv.setUint16(4, FORMAT_VERSION, true);
  dv.setUint32(8, header.length, true);
  buf.set(header, 12);
  for (const e of entries) {
    const t = tensors[e.name]!;
    const base = dataStart + e.offset;
    if (e.dtype === 'f32') for (let i = 0; i < e.length; i++) dv.setFloat32(base + 4 * i, t.data[i]!, true);
    else for (let i = 0; i < e.length; i++) dv.setFloat64(base + 8 * i, t.data[i]!, true);
  }
  dv.setUint32(total - 4, crc32(buf.subarray(0, total - 4)), true);
  return buf;
}

export function decodeTensors(buf: Uint8Array): { meta: unknown; tensors: Record<string, TensorRecord> } {
  if (buf.length < 16) throw new CorruptDataError(`truncated: ${buf.length} bytes`);
  for (let i = 0; i < 4; i++)
    if (buf[i] !== MAGIC[i]) throw new CorruptDataError('bad magic (not a steered checkpoint/weights file)');
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const version = dv.getUint16(4, true);
  if (version !== FORMAT_VERSION)
    throw new CorruptDataError(`unsupported format version ${version} (this build reads ${FORMAT_VERSION})`);
  const stored = dv.getUint32(buf.length - 4, true);
  const actual = crc32(buf.subarray(0, buf.length - 4));
  if (stored !== actual)
    throw new CorruptDataError(
      `checksum mismatch (stored ${stored.toString(16)}, computed ${actual.toString(16)}): file truncated or modified`,
    );
  const hlen = dv.getUint32(8, true);
  if (12 + hlen > buf.length - 4) throw new CorruptDataError('header length exceeds file size');
  let parsed: { meta: unknown; tensors: Entry[] };
  try {
    parsed = JSON.parse(new TextDecoder().decode(buf.subarray(12, 12 + hlen)));
  } catch {
    throw new CorruptDataError('header is not valid JSON');
  }
  const dataStart = Math.ceil((12 + hlen) / 8) * 8;
  const tensors: Record<string, TensorRecord> = {};
  for (const e of parsed.tensors) {
    const size = e.dtype === 'f32' ? 4 : 8;
    const base = dataStart + e.offset;
    if (base + e.length * size > buf.length - 4)
      throw new CorruptDataError(`tensor '${e.name}' runs past the end of the file`);
    const data = e.dtype === 'f32' ? new Float32Array(e.length) : new Float64Array(e.length);
    if (e.dtype === 'f32') for (let i = 0; i < e.length; i++) data[i] = dv.getFloat32(base + 4 * i, true);
    else for (let i = 0; i < e.length; i++) data[i] = dv.getFloat64(base + 8 * i, true);
    tensors[e.name] = { dtype: e.dtype, shape: e.shape, data };
  }
  return { meta: parsed.meta, tensors };
}

function dtypeOf(v: Vec): 'f32' | 'f64' {
  return v instanceof Float32Array ? 'f32' : 'f64';
}

/** Parameters → tensor records (by name); `prefix` namespaces them inside a larger checkpoint. */
export function paramsToTensors(ps: readonly Param[], prefix = ''): Record<string, TensorRecord> {
  const out: Record<string, TensorRecord> = {};
  for (const p of ps) out[prefix + p.name] = { dtype: dtypeOf(p.data), shape: [...p.shape], data: p.data };
  return out;
}

/** Copy tensors into parameters by name; every parameter must be present with the same shape. */
export function loadParams(ps: readonly Param[], tensors: Record<string, TensorRecord>, prefix = ''): void {
  for (const p of ps) {
    const t = tensors[prefix + p.name];
    if (!t) throw new CorruptDataError(`missing tensor '${prefix + p.name}'`);
    if (t.data.length !== p.data.length || t.shape.join('x') !== p.shape.join('x')) {
      throw new CorruptDataError(
        `tensor '${prefix + p.name}' has shape [${t.shape}] but the model expects [${p.shape}]`,
      );
    }
    p.data.set(t.data);
  }
}
