/** CRC-32 (IEEE 802.3, reflected 0xEDB88320) and CRC-32C (Castagnoli, reflected 0x82F63B78), table-driven. */
function table(poly: number): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}
const T32 = table(0xedb88320);
const T32C = table(0x82f63b78);

function run(t: Uint32Array, bytes: Uint8Array, crc: number): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

export function crc32(bytes: Uint8Array, prev = 0): number {
  return run(T32, bytes, prev);
}

export function crc32c(bytes: Uint8Array, prev = 0): number {
  return run(T32C, bytes, prev);
}

/** TFRecord's masked CRC-32C: rotate right by 15 and add a constant. */
export function maskedCrc32c(bytes: Uint8Array): number {
  const c = crc32c(bytes);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}
