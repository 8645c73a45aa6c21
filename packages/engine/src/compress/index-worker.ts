/**
 * The inflate worker's program: gunzips a blob with native zlib while recording a GzipIndex, and
 * hashes the output (the layer's diff_id) so the main thread does not have to. It runs in a
 * worker thread from its source text (`workerSource`), so the code below uses nothing but its
 * parameters: it works the same under tsx, vitest and the esbuild bundle.
 *
 * Messages in: {type:'data', bytes} (compressed bytes, in order), {type:'more'} (the main thread
 * took the output so far), {type:'end'}, {type:'reset'} (a new blob). Out: {type:'out', chunks,
 * consumed} (consumed: the last 'data' is used up), {type:'done', digest, size, checkpoints},
 * {type:'error', message}.
 */
import type * as Zlib from 'node:zlib';
import type * as Crypto from 'node:crypto';
import type { MessagePort } from 'node:worker_threads';
import type { RawInflater } from './raw-inflate.js';

interface Checkpoint {
  bit: number;
  out: number;
  window: Uint8Array;
}

export function indexWorkerMain(
  zlib: typeof Zlib,
  crypto: typeof Crypto,
  port: MessagePort,
  createRawInflater: (zlib: typeof Zlib, dictionary: Uint8Array | null) => RawInflater,
  primeAtBit: (bytes: Uint8Array, r: number) => Uint8Array,
): void {
  /** Output between checkpoints (set per blob by 'reset'). */
  let span = 1024 * 1024;
  const OUT_CHUNK = 256 * 1024;
  /** Output handed over per message before waiting for 'more' (a bomb must not run ahead). */
  const OUT_BUDGET = 4 * 1024 * 1024;
  const WINDOW = 32 * 1024;
  /**
   * Output after a boundary that a candidate bit offset must reproduce to be taken: all it
   * inflates from PROOF_INPUT compressed bytes, up to PROOF_MAX, and at least PROOF_MIN. A wrong
   * offset can read the next block alike (a stored block's header and padding may fit several
   * offsets): inflating across the following block tells them apart.
   */
  const PROOF_MIN = 1024;
  const PROOF_MAX = 64 * 1024;
  const PROOF_INPUT = 16 * 1024;
  const Z_NO_FLUSH = zlib.constants.Z_NO_FLUSH;
  const Z_BLOCK = zlib.constants.Z_BLOCK;
  const Z_SYNC_FLUSH = zlib.constants.Z_SYNC_FLUSH;

  let job: ReturnType<typeof newJob>;
  const newJob = () => ({
    state: 'header' as 'header' | 'deflate' | 'trailer' | 'between' | 'padding',
    inflater: null as RawInflater | null,
    /** Header or trailer bytes gathered across chunks. */
    held: new Uint8Array(0) as Uint8Array,
    /** Compressed bytes before the current chunk. */
    base: 0,
    input: new Uint8Array(0) as Uint8Array,
    at: 0,
    out: 0,
    memberOut: 0,
    nextCheckpoint: span,
    window: new Uint8Array(WINDOW),
    windowLength: 0,
    checkpoints: [] as Checkpoint[],
    /** A boundary whose bit offset is being proved: candidates' output against the real one. */
    proving: null as null | { out: number; window: Uint8Array; candidates: Array<{ bit: number; bytes: Uint8Array }>; seen: Uint8Array; seenLength: number; need: number },
    hash: crypto.createHash('sha256'),
    failed: false,
  });
  job = newJob();
  /** Messages of a job that was given up on must not reach the worker's next owner. */
  let jobId = 0;

  const remember = (bytes: Uint8Array) => {
    if (bytes.length >= WINDOW) {
      job.window.set(bytes.subarray(bytes.length - WINDOW));
      job.windowLength = WINDOW;
      return;
    }
    const keep = Math.min(job.windowLength, WINDOW - bytes.length);
    job.window.copyWithin(0, job.windowLength - keep, job.windowLength);
    job.window.set(bytes, keep);
    job.windowLength = keep + bytes.length;
  };

  const prove = (bytes: Uint8Array) => {
    const p = job.proving;
    if (!p) return;
    const take = Math.min(bytes.length, p.need - p.seenLength);
    p.seen.set(bytes.subarray(0, take), p.seenLength);
    p.seenLength += take;
    if (p.seenLength < p.need) return;
    decide();
  };

  /** Takes the boundary if exactly one candidate reproduced the output that followed it. */
  const decide = () => {
    const p = job.proving;
    if (!p) return;
    job.proving = null;
    const seen = p.seen.subarray(0, p.seenLength);
    const matching = p.candidates.filter((c) => c.bytes.length <= seen.length && Buffer.from(seen.buffer, seen.byteOffset, c.bytes.length).equals(c.bytes));
    if (matching.length !== 1) return;
    job.checkpoints.push({ bit: matching[0].bit, out: p.out, window: zlib.deflateRawSync(p.window, { level: 1 }) });
    // Past 1 GiB the spans grow with the layer (a 1024th of what came before), so the windows
    // held until the layer ends stay near 70 MB even at the 64 GiB layer cap.
    job.nextCheckpoint = p.out + Math.max(span, Math.floor(p.out / 1024));
  };

  /**
   * Inflate stopped at a block boundary: somewhere in the last 8 bits consumed (zlib does not
   * say how many it holds). Each even candidate is inflated a little from the bytes at hand;
   * the one that reproduces the real output that follows is the boundary.
   */
  const boundary = (used: number) => {
    if (job.proving || job.memberOut === 0) return;
    const byte = job.base + job.at + used;
    const rest = job.input.subarray(Math.max(0, job.at + used - 1), Math.min(job.input.length, job.at + used + PROOF_INPUT));
    if (job.at + used === 0 || rest.length < PROOF_INPUT) return;
    const window = job.window.slice(0, job.windowLength);
    const candidates: Array<{ bit: number; bytes: Uint8Array }> = [];
    for (let k = 0; k <= 6; k += 2) {
      const bit = byte * 8 - k;
      // Bit offsets pass 2^31 past 256 MiB of blob: no 32-bit shifts or masks on them.
      const from = Math.floor(bit / 8) - (byte - 1);
      const slice = rest.subarray(from);
      // A block with BFINAL set would end the stream there: a wrong bit that reads as a final
      // stored block gives the right first block, then stops. The last block is never a checkpoint.
      if ((slice[0] >> bit % 8) & 1) continue;
      try {
        const bytes = zlib.inflateRawSync(primeAtBit(slice, bit % 8), { dictionary: window, finishFlush: Z_SYNC_FLUSH, maxOutputLength: 64 * 1024 * 1024 });
        if (bytes.length >= PROOF_MIN) candidates.push({ bit, bytes: bytes.subarray(0, PROOF_MAX) });
      } catch {
        // Not a block start.
      }
    }
    if (candidates.length === 0) return;
    const need = Math.max(...candidates.map((c) => c.bytes.length));
    job.proving = { out: job.out, window, candidates, seen: new Uint8Array(need), seenLength: 0, need };
  };

  const post = (chunks: Uint8Array[], consumed: boolean) => {
    port.postMessage({ type: 'out', id: jobId, chunks, consumed }, chunks.map((c) => c.buffer as ArrayBuffer));
  };

  const fail = (message: string) => {
    job.failed = true;
    job.inflater?.close();
    job.inflater = null;
    port.postMessage({ type: 'error', id: jobId, message });
  };

  const gzipHeaderLength = (b: Uint8Array): number | 'need' | 'bad' => {
    if (b.length < 10) return 'need';
    if (b[0] !== 0x1f || b[1] !== 0x8b || b[2] !== 8) return 'bad';
    const flags = b[3];
    let p = 10;
    if (flags & 4) {
      if (b.length < p + 2) return 'need';
      p += 2 + (b[p] | (b[p + 1] << 8));
    }
    for (const bit of [8, 16]) {
      if (flags & bit) {
        while (p < b.length && b[p] !== 0) p++;
        if (p >= b.length) return 'need';
        p++;
      }
    }
    if (flags & 2) p += 2;
    return p > b.length ? 'need' : p;
  };

  const concat = (a: Uint8Array, b: Uint8Array) => {
    const c = new Uint8Array(a.length + b.length);
    c.set(a);
    c.set(b, a.length);
    return c;
  };

  /** Works through the current input until it is used up or OUT_BUDGET came out. */
  const pump = () => {
    const chunks: Uint8Array[] = [];
    let made = 0;
    try {
      while (job.at < job.input.length && made < OUT_BUDGET) {
        const left = job.input.subarray(job.at);
        if (job.state === 'padding') {
          // Trailing NULs after the last member are ignored, as zlib's gunzip does.
          job.at = job.input.length;
        } else if (job.state === 'between') {
          if (left[0] === 0) job.state = 'padding';
          else job.state = 'header';
        } else if (job.state === 'header' || job.state === 'trailer') {
          const start = job.base + job.at - job.held.length;
          const gathered = concat(job.held, left.subarray(0, Math.min(left.length, 64 * 1024)));
          if (job.state === 'trailer') {
            const need = 8 - job.held.length;
            if (left.length < need) {
              job.held = gathered;
              job.at = job.input.length;
              continue;
            }
            job.at += need;
            job.held = new Uint8Array(0);
            job.state = 'between';
            continue;
          }
          const n = gzipHeaderLength(gathered);
          if (n === 'bad') throw new Error(job.out === 0 ? 'incorrect header check' : 'unknown compression method');
          if (n === 'need') {
            if (gathered.length > 1024 * 1024) throw new Error('gzip header too long');
            job.held = gathered;
            job.at += Math.min(left.length, 64 * 1024);
            continue;
          }
          job.at += n - job.held.length;
          job.held = new Uint8Array(0);
          // A member's first block needs no history: a checkpoint with an empty window.
          job.checkpoints.push({ bit: (start + n) * 8, out: job.out, window: new Uint8Array(0) });
          job.nextCheckpoint = job.out + span;
          job.memberOut = 0;
          job.windowLength = 0;
          job.inflater = createRawInflater(zlib, null);
          job.state = 'deflate';
        } else {
          const flush = job.out >= job.nextCheckpoint && !job.proving ? Z_BLOCK : Z_NO_FLUSH;
          const r = job.inflater!.step(job.input, job.at, left.length, flush, OUT_CHUNK);
          if (r.out.length > 0) {
            job.hash.update(r.out);
            remember(r.out);
            prove(r.out);
            chunks.push(r.out);
            made += r.out.length;
            job.out += r.out.length;
            job.memberOut += r.out.length;
          }
          if (r.ended) {
            job.at += r.used;
            decide();
            job.inflater!.close();
            job.inflater = null;
            job.state = 'trailer';
            continue;
          }
          if (flush === Z_BLOCK && r.out.length < OUT_CHUNK && r.used < left.length) boundary(r.used);
          job.at += r.used;
        }
      }
    } catch (e) {
      fail((e as Error).message);
      return;
    }
    const consumed = job.at >= job.input.length;
    if (consumed) job.base += job.input.length;
    post(chunks, consumed);
  };

  const end = () => {
    try {
      if (job.state === 'deflate') {
        job.inflater!.finish();
        throw new Error('unexpected end of file');
      }
      if (job.state === 'header' || job.state === 'trailer') {
        if (job.checkpoints.length === 0 || job.held.length > 0 || job.state === 'trailer') throw new Error('unexpected end of file');
      }
      decide();
      port.postMessage({ type: 'done', id: jobId, digest: `sha256:${job.hash.digest('hex')}`, size: job.out, checkpoints: job.checkpoints });
    } catch (e) {
      fail((e as Error).message);
    }
  };

  port.on('message', (m: { type: string; id?: number; span?: number; bytes?: Uint8Array }) => {
    if (m.type === 'reset') {
      job.inflater?.close();
      span = m.span ?? span;
      job = newJob();
      jobId = m.id ?? 0;
      return;
    }
    if (job.failed) return;
    if (m.type === 'data') {
      job.input = m.bytes!;
      job.at = 0;
      pump();
    } else if (m.type === 'more') {
      pump();
    } else if (m.type === 'end') {
      end();
    }
  });
}
