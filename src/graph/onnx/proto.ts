/**
 * A small protobuf wire-format reader for the ONNX messages. Every length and every varint is
 * checked against the end of its buffer, so a truncated or hostile file gives an Error naming what
 * was being read and where, never a read past the end or a loop that does not finish.
 */

/** Wire types of the protobuf encoding. */
export const VARINT = 0, FIXED64 = 1, LEN = 2, FIXED32 = 5;

/** A field's header: its number and wire type, and where its payload starts. */
export interface FieldHeader {
  field: number;
  wire: number;
}

/** Reads one message (a byte range of a buffer); sub-messages get their own Reader over their range. */
export class ProtoReader {
  pos: number;
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array, readonly what: string, start = 0, readonly end = bytes.length) {
    this.pos = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  private fail(msg: string): never {
    throw new Error(`onnx: malformed protobuf in ${this.what} at byte ${this.pos}: ${msg}`);
  }

  /** The next field's header (field number 0 or an unknown wire type is refused). */
  header(): FieldHeader {
    const key = this.varint();
    const field = Math.floor(key / 8), wire = key % 8;
    if (field === 0) this.fail('field number 0');
    if (wire !== VARINT && wire !== FIXED64 && wire !== LEN && wire !== FIXED32) this.fail(`unsupported wire type ${wire} (field ${field})`);
    return { field, wire };
  }

  /**
   * An unsigned varint as a number: exact up to 2^53, and for larger (int64) values the nearest
   * double, which callers range-check. Ten bytes at most, the last holding one bit.
   */
  varint(): number {
    let lo = 0, hi = 0, shift = 0;
    for (let i = 0; ; i++) {
      if (this.pos >= this.end) this.fail('a varint runs past the end of the message');
      if (i >= 10) this.fail('a varint is longer than 10 bytes');
      const b = this.bytes[this.pos++]!;
      if (i < 4) lo |= (b & 0x7f) << shift;
      else if (i === 4) { lo |= (b & 0x0f) << 28; hi = (b & 0x70) >> 4; }
      else hi |= (b & 0x7f) << (3 + 7 * (i - 5));
      shift += 7;
      if ((b & 0x80) === 0) break;
    }
    return (hi >>> 0) * 0x100000000 + (lo >>> 0);
  }

  /** A varint read as a two's-complement int64 (negative int64s take 10 bytes on the wire). */
  int64(): number {
    const start = this.pos;
    const u = this.varint();
    if (u < 2 ** 63) return u;
    // Recompute the high word exactly for negatives: the double above cannot hold it.
    this.pos = start;
    let lo = 0, hi = 0, shift = 0;
    for (let i = 0; i < 10; i++) {
      const b = this.bytes[this.pos++]!;
      if (i < 4) lo |= (b & 0x7f) << shift;
      else if (i === 4) { lo |= (b & 0x0f) << 28; hi = (b & 0x70) >> 4; }
      else if (i < 10) hi |= (b & 0x7f) << (3 + 7 * (i - 5));
      shift += 7;
      if ((b & 0x80) === 0) break;
    }
    return (hi | 0) * 0x100000000 + (lo >>> 0);
  }

  /** A length-delimited payload's [start, end), checked against the message end. */
  span(): [number, number] {
    const n = this.varint();
    if (n > this.end - this.pos) this.fail(`a length of ${n} bytes runs past the end of the message (${this.end - this.pos} left)`);
    const s = this.pos;
    this.pos += n;
    return [s, this.pos];
  }

  /** A sub-message reader over the next length-delimited payload. */
  message(what: string): ProtoReader {
    const [s, e] = this.span();
    return new ProtoReader(this.bytes, what, s, e);
  }

  bytesField(): Uint8Array {
    const [s, e] = this.span();
    return this.bytes.subarray(s, e);
  }

  string(): string {
    return new TextDecoder('utf-8', { fatal: false }).decode(this.bytesField());
  }

  float(): number {
    if (this.end - this.pos < 4) this.fail('a 4-byte value runs past the end of the message');
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  double(): number {
    if (this.end - this.pos < 8) this.fail('an 8-byte value runs past the end of the message');
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** Skip a field of an unknown number (groups are refused as unsupported wire types in header()). */
  skip(wire: number): void {
    if (wire === VARINT) this.varint();
    else if (wire === LEN) this.span();
    else {
      const n = wire === FIXED64 ? 8 : 4;
      if (this.end - this.pos < n) this.fail(`a ${n}-byte value runs past the end of the message`);
      this.pos += n;
    }
  }

  /** A repeated numeric field, packed (one LEN payload) or not (one value per field), appended to `out`. */
  repeated(wire: number, kind: 'int64' | 'float' | 'double', out: number[], limit: number): void {
    const one = (): number => (kind === 'int64' ? this.int64() : kind === 'float' ? this.float() : this.double());
    if (wire === LEN) {
      const [s, e] = this.span();
      const sub = new ProtoReader(this.bytes, this.what, s, e);
      while (!sub.done) {
        if (out.length >= limit) this.fail(`more than ${limit} repeated values`);
        out.push(kind === 'int64' ? sub.int64() : kind === 'float' ? sub.float() : sub.double());
      }
    } else {
      if (out.length >= limit) this.fail(`more than ${limit} repeated values`);
      out.push(one());
    }
  }
}
