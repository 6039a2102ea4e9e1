/**
 * Reads the CopyData frames of a START_REPLICATION stream straight off the socket (PostgreSQL
 * docs, "Message Formats": Byte1 type, Int32 length including itself, then the body), so each
 * XLogData reaches the decoder as a view into the received bytes, without pg's message objects
 * and events. Everything around the copy goes to pg's own parser unchanged: the frames up to
 * and including CopyBothResponse ('W'), and from the first frame that is not CopyData on
 * (CopyDone, an ErrorResponse, CommandComplete, ReadyForQuery), so pg still settles the query.
 */

const COPY_BOTH_RESPONSE = 0x57; // 'W'
const COPY_DATA = 0x64; // 'd'

export class CopyBothReader {
  private state: 'before' | 'copy' | 'after' = 'before';
  /** The start of an incomplete frame, kept until `needed` bytes are in hand (joined once). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private needed = 5;

  /**
   * @param forward hands bytes to pg's parser (whole frames before the copy; everything after it)
   * @param onCopyData each CopyData body, a view valid during the call
   */
  constructor(
    private readonly forward: (bytes: Buffer) => void,
    private readonly onCopyData: (payload: Buffer) => void,
  ) {}

  get copying(): boolean {
    return this.state === 'copy';
  }

  push(chunk: Buffer): void {
    if (this.state === 'after') {
      this.forward(chunk);
      return;
    }
    let buffer = chunk;
    if (this.pendingBytes > 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes < this.needed) return;
      buffer = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
    }
    let offset = 0;
    let unforwarded = 0;
    while (buffer.length - offset >= 5) {
      const type = buffer[offset];
      const length = buffer.readUInt32BE(offset + 1);
      const end = offset + 1 + length;
      if (length < 4) break; // Not a frame: pg's parser reports the broken stream.
      if (end > buffer.length) {
        this.needed = end - offset;
        break;
      }
      if (this.state === 'copy') {
        if (type !== COPY_DATA) break;
        this.onCopyData(buffer.subarray(offset + 5, end));
        offset = end;
        unforwarded = end;
        continue;
      }
      offset = end;
      if (type === COPY_BOTH_RESPONSE) {
        this.forward(buffer.subarray(unforwarded, end));
        unforwarded = end;
        this.state = 'copy';
      }
    }
    const rest = buffer.length - offset;
    const ended = rest >= 5 && (buffer.readUInt32BE(offset + 1) < 4 || (this.state === 'copy' && buffer[offset] !== COPY_DATA));
    if (ended) {
      // The copy ended (or the stream is not framed): pg's parser takes everything from here on.
      this.state = 'after';
      if (offset > unforwarded) this.forward(buffer.subarray(unforwarded, offset));
      this.forward(buffer.subarray(offset));
      return;
    }
    if (this.state === 'before' && offset > unforwarded) this.forward(buffer.subarray(unforwarded, offset));
    if (rest > 0) {
      if (rest < 5) this.needed = 5;
      this.pending = [buffer.subarray(offset)];
      this.pendingBytes = rest;
    }
  }
}
