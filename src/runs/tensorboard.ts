/**
 * TensorBoard event files, written and read without TensorFlow, so TensorBoard and W&B can show runs.
 *
 * File: a sequence of TFRecords, each
 *   uint64 LE  length n of data
 *   uint32 LE  masked CRC-32C of the 8 length bytes
 *   n bytes    data: one serialized tensorflow.Event protobuf
 *   uint32 LE  masked CRC-32C of data
 * where masked(c) = ((c >>> 15) | (c << 17)) + 0xa282ead8 (mod 2^32).
 *
 * The first record is Event{wall_time, file_version: "brain.Event:2"}; TensorBoard uses it to pick the
 * parser. Every later record is one logging call:
 *   Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
 *   Summary { repeated Value value = 1; }
 *   Value   { string tag = 1; float simple_value = 2; }
 * Fields are written in field-number order with proto3 rules (a zero step is omitted), which is how
 * the reference implementation serializes them.
 *
 * Appends are the only mutation, so the file size after a record is a consistent cut; `truncate`
 * returns the file to such a cut when a run resumes from a checkpoint.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { maskedCrc32c } from '../math/crc.js';
import { CorruptDataError } from '../nn/serialize.js';

export const FILE_VERSION = 'brain.Event:2';
export const EVENT_FILE_PREFIX = 'events.out.tfevents.';

// ---------------------------------------------------------------------------------- protobuf encoding

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

/** Minimal protobuf writer: just the wire types Event needs. */
export class ProtoWriter {
  private buf = new Uint8Array(64);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** Unsigned varint of a 64-bit value; negative int64 values take their two's-complement 10 bytes. */
  varint(v: number | bigint): this {
    let x = BigInt.asUintN(64, BigInt(v));
    this.reserve(10);
    while (x >= 0x80n) {
      this.buf[this.len++] = Number(x & 0x7fn) | 0x80;
      x >>= 7n;
    }
    this.buf[this.len++] = Number(x);
    return this;
  }

  tag(field: number, wire: number): this {
    return this.varint((field << 3) | wire);
  }

  double(field: number, v: number): this {
    this.tag(field, WIRE_I64);
    this.reserve(8);
    new DataView(this.buf.buffer).setFloat64(this.len, v, true);
    this.len += 8;
    return this;
  }

  float(field: number, v: number): this {
    this.tag(field, WIRE_I32);
    this.reserve(4);
    new DataView(this.buf.buffer).setFloat32(this.len, v, true);
    this.len += 4;
    return this;
  }

  int64(field: number, v: number | bigint): this {
    return this.tag(field, WIRE_VARINT).varint(v);
  }

  bytes(field: number, b: Uint8Array): this {
    this.tag(field, WIRE_LEN).varint(b.length);
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

export interface Scalar {
  tag: string;
  value: number;
}

export function encodeFileVersionEvent(wallTime: number): Uint8Array {
  return new ProtoWriter().double(1, wallTime).string(3, FILE_VERSION).finish();
}

export function encodeScalarEvent(wallTime: number, step: number, scalars: readonly Scalar[]): Uint8Array {
  const summary = new ProtoWriter();
  for (const s of scalars) summary.bytes(1, new ProtoWriter().string(1, s.tag).float(2, s.value).finish());
  const ev = new ProtoWriter().double(1, wallTime);
  if (step !== 0) ev.int64(2, step);
  return ev.bytes(5, summary.finish()).finish();
}

/** Frame one record: length, masked CRC of length, data, masked CRC of data. */
export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length + 4);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(data.length), true);
  dv.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  dv.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

// ---------------------------------------------------------------------------------- writer

export interface EventFileWriterOptions {
  /** Existing event file to continue (resume) instead of creating a new one. */
  filename?: string;
  /** Wall clock in seconds; injectable so tests can produce fixed bytes. */
  now?: () => number;
  hostname?: string;
}

function wallClock(): number {
  return Date.now() / 1000;
}

/**
 * Appends scalar events to `<dir>/events.out.tfevents.<unix-seconds>.<hostname>`. Writes are
 * synchronous and unbuffered so `size` always equals the bytes handed to the OS, which is what a
 * checkpoint records; `sync()` makes them durable.
 */
export class EventFileWriter {
  readonly path: string;
  readonly filename: string;
  private fd: number;
  private _size: number;
  private readonly now: () => number;

  constructor(
    readonly dir: string,
    opts: EventFileWriterOptions = {},
  ) {
    this.now = opts.now ?? wallClock;
    fs.mkdirSync(dir, { recursive: true });
    if (opts.filename !== undefined) {
      if (path.basename(opts.filename) !== opts.filename || !opts.filename.startsWith(EVENT_FILE_PREFIX)) {
        throw new Error(`not an event file name: ${opts.filename}`);
      }
      this.filename = opts.filename;
    } else {
      // TensorBoard sorts event files by this name; hostnames with dots or slashes would confuse it.
      const host = (opts.hostname ?? os.hostname()).replace(/[^A-Za-z0-9_-]/g, '_') || 'localhost';
      this.filename = `${EVENT_FILE_PREFIX}${Math.floor(this.now())}.${host}`;
    }
    this.path = path.join(dir, this.filename);
    // 'a': every write lands at the current end, including after truncate().
    this.fd = fs.openSync(this.path, 'a');
    this._size = fs.fstatSync(this.fd).size;
    if (this._size === 0) this.append(encodeFileVersionEvent(this.now()));
  }

  get size(): number {
    return this._size;
  }

  private append(event: Uint8Array): void {
    const rec = frameRecord(event);
    let off = 0;
    while (off < rec.length) off += fs.writeSync(this.fd, rec, off, rec.length - off);
    this._size += rec.length;
  }

  /** One Event holding every scalar of this call. Non-finite values are kept (float NaN/±Inf). */
  writeScalars(
    step: number,
    scalars: readonly Scalar[] | Record<string, number>,
    wallTime = this.now(),
  ): void {
    const list = Array.isArray(scalars)
      ? (scalars as readonly Scalar[])
      : Object.entries(scalars as Record<string, number>).map(([tag, value]) => ({ tag, value }));
    this.append(encodeScalarEvent(wallTime, step, list));
  }

  /**
   * Cut the file back to `bytes`, which must be a size previously reported by `size` (a record
   * boundary). Cutting to 0 starts the file over, with a fresh file_version record.
   */
  truncate(bytes: number): void {
    if (!Number.isSafeInteger(bytes) || bytes < 0 || bytes > this._size) {
      throw new RangeError(`cannot truncate ${this.path} to ${bytes} bytes (size ${this._size})`);
    }
    fs.ftruncateSync(this.fd, bytes);
    this._size = bytes;
    if (bytes === 0) this.append(encodeFileVersionEvent(this.now()));
  }

  sync(): void {
    fs.fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd >= 0) {
      fs.closeSync(this.fd);
      this.fd = -1;
    }
  }
}

// ---------------------------------------------------------------------------------- reader

export interface DecodedEvent {
  /** Byte offset of the record in the file. */
  offset: number;
  wallTime: number;
  step: number;
  fileVersion?: string;
  scalars: Scalar[];
}

class ProtoReader {
  pos = 0;
  constructor(
    readonly buf: Uint8Array,
    private readonly what: string,
  ) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length)
      throw new CorruptDataError(`${this.what}: protobuf field runs past the end`);
  }

  varint(): bigint {
    let x = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      this.need(1);
      const b = this.buf[this.pos++]!;
      x |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, x);
    }
    throw new CorruptDataError(`${this.what}: varint longer than 10 bytes`);
  }

  double(): number {
    this.need(8);
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8).getFloat64(0, true);
    this.pos += 8;
    return v;
  }

  float(): number {
    this.need(4);
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4).getFloat32(0, true);
    this.pos += 4;
    return v;
  }

  bytes(): Uint8Array {
    const n = Number(this.varint());
    this.need(n);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  skip(wire: number): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_I64:
        this.need(8);
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.bytes();
        return;
      case WIRE_I32:
        this.need(4);
        this.pos += 4;
        return;
      default:
        throw new CorruptDataError(`${this.what}: unsupported wire type ${wire}`);
    }
  }
}

function decodeValue(buf: Uint8Array, what: string): Scalar | null {
  const r = new ProtoReader(buf, what);
  let tag = '';
  let value: number | null = null;
  while (!r.done) {
    const key = Number(r.varint());
    const field = key >>> 3,
      wire = key & 7;
    if (field === 1 && wire === WIRE_LEN) tag = new TextDecoder().decode(r.bytes());
    else if (field === 2 && wire === WIRE_I32) value = r.float();
    else r.skip(wire);
  }
  return value === null ? null : { tag, value };
}

/** Decode one Event protobuf (the scalar subset; other summary kinds are skipped). */
export function decodeEvent(buf: Uint8Array, offset = 0): DecodedEvent {
  const what = `event at byte ${offset}`;
  const r = new ProtoReader(buf, what);
  const ev: DecodedEvent = { offset, wallTime: 0, step: 0, scalars: [] };
  while (!r.done) {
    const key = Number(r.varint());
    const field = key >>> 3,
      wire = key & 7;
    if (field === 1 && wire === WIRE_I64) ev.wallTime = r.double();
    else if (field === 2 && wire === WIRE_VARINT) ev.step = Number(BigInt.asIntN(64, r.varint()));
    else if (field === 3 && wire === WIRE_LEN) ev.fileVersion = new TextDecoder().decode(r.bytes());
    else if (field === 5 && wire === WIRE_LEN) {
      const s = new ProtoReader(r.bytes(), what);
      while (!s.done) {
        const k = Number(s.varint());
        if (k >>> 3 === 1 && (k & 7) === WIRE_LEN) {
          const v = decodeValue(s.bytes(), what);
          if (v) ev.scalars.push(v);
        } else s.skip(k & 7);
      }
    } else r.skip(wire);
  }
  return ev;
}

/** Split a TFRecord stream into record payloads, verifying both CRCs of every record. */
export function readRecords(buf: Uint8Array, file = '<buffer>'): { offset: number; data: Uint8Array }[] {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: { offset: number; data: Uint8Array }[] = [];
  let pos = 0;
  while (pos < buf.length) {
    if (pos + 12 > buf.length) throw new CorruptDataError(`${file}: truncated record header at byte ${pos}`);
    const n = dv.getBigUint64(pos, true);
    if (dv.getUint32(pos + 8, true) !== maskedCrc32c(buf.subarray(pos, pos + 8))) {
      throw new CorruptDataError(`${file}: length CRC mismatch at byte ${pos}`);
    }
    if (n > BigInt(buf.length - pos - 16))
      throw new CorruptDataError(`${file}: truncated record at byte ${pos}`);
    const len = Number(n);
    const data = buf.subarray(pos + 12, pos + 12 + len);
    if (dv.getUint32(pos + 12 + len, true) !== maskedCrc32c(data)) {
      throw new CorruptDataError(`${file}: data CRC mismatch at byte ${pos}`);
    }
    out.push({ offset: pos, data });
    pos += 16 + len;
  }
  return out;
}

/** Read a whole event file; any framing or CRC problem is a CorruptDataError naming file and offset. */
export function readEventFile(file: string): DecodedEvent[] {
  const buf = fs.readFileSync(file);
  return readRecords(buf, file).map((r) => decodeEvent(r.data, r.offset));
}
