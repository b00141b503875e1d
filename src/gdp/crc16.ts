/**
 * The CRC-16 GDP uses (SPEC.md section 3): polynomial 0x1021, preset 0xFFFF, fed most-significant
 * bit first, no reflection, result XORed with 0xFFFF (catalogue name CRC-16/GENIBUS). Check value:
 * ASCII "123456789" gives 0xD64E; an empty input gives 0x0000. Table-driven, eight bytes per step
 * ("slicing by 8") so large payload CRCs stay cheap. Tests: test/gdp/crc16.test.ts.
 */

function makeTables(): Uint16Array[] {
  const base = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = (crc & 0x8000) !== 0 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    base[i] = crc;
  }
  const tables = [base];
  for (let k = 1; k < 8; k++) {
    const prev = tables[k - 1] as Uint16Array;
    const next = new Uint16Array(256);
    for (let i = 0; i < 256; i++) {
      const v = prev[i] as number;
      next[i] = ((v << 8) & 0xffff) ^ (base[v >>> 8] as number);
    }
    tables.push(next);
  }
  return tables;
}

const [T0, T1, T2, T3, T4, T5, T6, T7] = makeTables() as [Uint16Array, Uint16Array, Uint16Array,
  Uint16Array, Uint16Array, Uint16Array, Uint16Array, Uint16Array];

/** CRC-16/GENIBUS of `bytes[start, end)` (whole array by default). */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffff;
  let i = start;
  const stop8 = end - 8;
  while (i <= stop8) {
    const a = (crc >>> 8) ^ (bytes[i] as number);
    const b = (crc & 0xff) ^ (bytes[i + 1] as number);
    crc = (T7[a] as number) ^ (T6[b] as number) ^ (T5[bytes[i + 2] as number] as number) ^
      (T4[bytes[i + 3] as number] as number) ^ (T3[bytes[i + 4] as number] as number) ^
      (T2[bytes[i + 5] as number] as number) ^ (T1[bytes[i + 6] as number] as number) ^
      (T0[bytes[i + 7] as number] as number);
    i += 8;
  }
  while (i < end) {
    crc = ((crc << 8) & 0xffff) ^ (T0[((crc >>> 8) ^ (bytes[i] as number)) & 0xff] as number);
    i++;
  }
  return crc ^ 0xffff;
}
