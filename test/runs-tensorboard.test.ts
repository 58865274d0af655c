import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { maskedCrc32c } from '../src/math/crc.js';
import { CorruptDataError } from '../src/nn/serialize.js';
import {
  EventFileWriter,
  readEventFile,
  readRecords,
  encodeScalarEvent,
  frameRecord,
  ProtoWriter,
} from '../src/runs/tensorboard.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'steered-tb-'));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const ascii = (s: string) => new TextEncoder().encode(s);

test('masked CRC-32C matches values computed independently (bitwise CRC-32C, rotate 15, + 0xa282ead8)', () => {
  // crc32c("123456789") = 0xe3069283 (the published check value); masked by hand below.
  const c = 0xe3069283;
  assert.equal(maskedCrc32c(ascii('123456789')), ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0);
  assert.equal(maskedCrc32c(ascii('123456789')), 0xc78ab0e5);
  // The length field of an empty record: eight zero bytes.
  assert.equal(maskedCrc32c(new Uint8Array(8)), 0x07980329);
});

test('protobuf varints', () => {
  const v = (n: number | bigint) => hex(new ProtoWriter().varint(n).finish());
  assert.equal(v(0), '00');
  assert.equal(v(1), '01');
  assert.equal(v(127), '7f');
  assert.equal(v(128), '8001');
  assert.equal(v(300), 'ac02');
  assert.equal(v(2 ** 53), '80808080808080' + '10');
  assert.equal(v(-1), 'ffffffffffffffffff01');
});

test('a scalar event encodes to the hand-computed protobuf bytes', () => {
  // Event{wall_time: 1.5, step: 300, summary: {value: [{tag: "loss", simple_value: 0.5}]}}
  //   09 <1.5 as LE double>           field 1, wire type 1 (64-bit)
  //   10 ac 02                        field 2, varint 300
  //   2a 0d                           field 5, length 13: Summary
  //     0a 0b                         Summary.value (field 1), length 11: Value
  //       0a 04 6c 6f 73 73           Value.tag (field 1) "loss"
  //       15 00 00 00 3f              Value.simple_value (field 2, wire type 5) 0.5f
  const ev = encodeScalarEvent(1.5, 300, [{ tag: 'loss', value: 0.5 }]);
  assert.equal(
    hex(ev),
    '09' + '000000000000f83f' + '10ac02' + '2a0d' + '0a0b' + '0a046c6f7373' + '150000003f',
  );
  // TFRecord framing of that event: length 27 (LE u64), masked CRCs computed independently.
  const rec = frameRecord(ev);
  assert.equal(hex(rec.subarray(0, 8)), '1b00000000000000');
  assert.equal(Buffer.from(rec).readUInt32LE(8), 0x139e0d1a);
  assert.equal(hex(rec.subarray(12, 12 + 27)), hex(ev));
  assert.equal(Buffer.from(rec).readUInt32LE(39), 0x5b31f969);
  assert.equal(rec.length, 43);
  // Step 0 is the proto3 default and is omitted.
  assert.equal(hex(encodeScalarEvent(1.5, 0, [])), '09000000000000f83f2a00');
});

test('EventFileWriter writes file_version first, then scalars that the reader decodes with both CRCs checked', () => {
  const d = tmp();
  let t = 1_700_000_000.25;
  const w = new EventFileWriter(d, { now: () => t, hostname: 'host.example' });
  assert.equal(w.filename, 'events.out.tfevents.1700000000.host_example');
  t += 1;
  w.writeScalars(1, { loss: 0.25, reward: -3 });
  w.writeScalars(2, [
    { tag: 'loss', value: Number.NaN },
    { tag: 'eps', value: Infinity },
  ]);
  w.close();
  const evs = readEventFile(w.path);
  assert.equal(evs.length, 3);
  assert.equal(evs[0]!.fileVersion, 'brain.Event:2');
  assert.equal(evs[0]!.wallTime, 1_700_000_000.25);
  assert.equal(evs[1]!.step, 1);
  assert.equal(evs[1]!.wallTime, 1_700_000_001.25);
  assert.deepEqual(evs[1]!.scalars, [
    { tag: 'loss', value: 0.25 },
    { tag: 'reward', value: -3 },
  ]);
  assert.ok(Number.isNaN(evs[2]!.scalars[0]!.value));
  assert.equal(evs[2]!.scalars[1]!.value, Infinity);
});

test('the reader rejects a flipped bit anywhere and a truncated tail', () => {
  const d = tmp();
  const w = new EventFileWriter(d, { now: () => 42, hostname: 'h' });
  w.writeScalars(7, { a: 1 });
  w.close();
  const good = fs.readFileSync(w.path);
  for (let i = 0; i < good.length; i++) {
    const bad = Buffer.from(good);
    bad[i]! ^= 0x04;
    assert.throws(() => readRecords(bad), CorruptDataError, `byte ${i}`);
  }
  const boundary = readRecords(good)[1]!.offset;
  for (let n = 1; n < good.length; n++) {
    // Only cuts at record boundaries are readable.
    if (n === boundary) assert.equal(readRecords(good.subarray(0, n)).length, 1);
    else assert.throws(() => readRecords(good.subarray(0, n)), CorruptDataError, `cut at ${n}`);
  }
});

test('truncate cuts back to a recorded size and appending continues from there', () => {
  const d = tmp();
  const w = new EventFileWriter(d, { now: () => 5, hostname: 'h' });
  w.writeScalars(1, { x: 1 });
  const cut = w.size;
  w.writeScalars(2, { x: 2 });
  w.writeScalars(3, { x: 3 });
  w.truncate(cut);
  assert.equal(fs.statSync(w.path).size, cut);
  w.writeScalars(2, { x: 20 });
  w.close();
  // Reopening the same file continues it without a second file_version record.
  const w2 = new EventFileWriter(d, { filename: w.filename, now: () => 6 });
  w2.writeScalars(3, { x: 30 });
  w2.close();
  const evs = readEventFile(w.path);
  assert.deepEqual(
    evs.map((e) => [e.step, e.scalars[0]?.value]),
    [
      [0, undefined],
      [1, 1],
      [2, 20],
      [3, 30],
    ],
  );
  assert.throws(() => new EventFileWriter(d, { filename: '../escape' }));
});
