import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32, crc32c, maskedCrc32c } from '../src/math/crc.js';
import { encodeTensors, decodeTensors, CorruptDataError } from '../src/nn/serialize.js';

const ascii = (s: string) => new TextEncoder().encode(s);

test('CRC-32 and CRC-32C match their published check values', () => {
  assert.equal(crc32(ascii('123456789')), 0xcbf43926);
  assert.equal(crc32c(ascii('123456789')), 0xe3069283);
  assert.equal(typeof maskedCrc32c(ascii('x')), 'number');
});

test('tensors round-trip exactly in both dtypes with metadata', () => {
  const a = new Float32Array([1.5, -2.25, 3e-8]);
  const b = new Float64Array([Math.PI, -1e300, 0]);
  const buf = encodeTensors(
    { a: { dtype: 'f32', shape: [3], data: a }, b: { dtype: 'f64', shape: [1, 3], data: b } },
    { step: 7 },
  );
  const d = decodeTensors(buf);
  assert.deepEqual(d.meta, { step: 7 });
  assert.deepEqual(Array.from(d.tensors.a!.data), Array.from(a));
  assert.deepEqual(Array.from(d.tensors.b!.data), Array.from(b));
  assert.deepEqual(d.tensors.b!.shape, [1, 3]);
});

test('every truncation and every single-bit flip is detected', () => {
  const buf = encodeTensors(
    { w: { dtype: 'f32', shape: [4], data: new Float32Array([1, 2, 3, 4]) } },
    { k: 'v' },
  );
  for (let n = 0; n < buf.length; n++)
    assert.throws(() => decodeTensors(buf.subarray(0, n)), CorruptDataError);
  for (let i = 0; i < buf.length; i++) {
    for (let bit = 0; bit < 8; bit++) {
      const c = buf.slice();
      c[i]! ^= 1 << bit;
      assert.throws(() => decodeTensors(c), CorruptDataError, `flip at byte ${i} bit ${bit}`);
    }
  }
});
