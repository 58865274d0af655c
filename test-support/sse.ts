/**
 * A small Server-Sent-Events reader for tests: fetch the stream, split it into events, hand them out
 * one at a time. Node's fetch gives the body as a web stream; nothing else is needed.
 */
export interface SseEvent {
  id: string | null;
  event: string;
  data: string;
}

export class SseReader {
  private buf = '';
  private readonly queue: SseEvent[] = [];
  private done = false;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  readonly status: number;

  private constructor(
    res: Response,
    private readonly ctl: AbortController,
  ) {
    this.status = res.status;
    this.reader = res.body!.getReader();
  }

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
    const ctl = new AbortController();
    const res = await fetch(url, { headers, signal: ctl.signal });
    return new SseReader(res, ctl);
  }

  /** The next event (of `type`, when given, skipping others), or null when the stream ended. */
  async next(type?: string): Promise<SseEvent | null> {
    for (;;) {
      while (this.queue.length) {
        const e = this.queue.shift()!;
        if (!type || e.event === type) return e;
      }
      if (this.done) return null;
      const { value, done } = await this.reader.read();
      if (done) {
        this.done = true;
        continue;
      }
      this.buf += this.decoder.decode(value, { stream: true });
      let k: number;
      while ((k = this.buf.indexOf('\n\n')) >= 0) {
        const block = this.buf.slice(0, k);
        this.buf = this.buf.slice(k + 2);
        const e: SseEvent = { id: null, event: 'message', data: '' };
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('id: ')) e.id = line.slice(4);
          else if (line.startsWith('event: ')) e.event = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        e.data = data.join('\n');
        if (data.length || e.event !== 'message') this.queue.push(e);
      }
    }
  }

  close(): void {
    this.ctl.abort();
    this.reader.cancel().catch(() => {});
  }
}
