import type { Socket } from 'node:net';
import {
  AgiProtocolError,
  isMultilineEnd,
  isMultilineStart,
  parseHeader,
  parseReply,
  type AgiReply,
  type AgiRequest,
} from './protocol.js';

/** The channel hung up or the PBX closed the connection before a reply came. */
export class AgiHangupError extends Error {
  override name = 'AgiHangupError';
}
/** The PBX did not send what was expected in time. */
export class AgiTimeoutError extends Error {
  override name = 'AgiTimeoutError';
}
/** Asterisk answered a command with an error code (510, 511, 520). */
export class AgiCommandError extends Error {
  override name = 'AgiCommandError';
  constructor(
    readonly command: string,
    readonly reply: AgiReply,
  ) {
    super(`${command.split(' ').slice(0, 2).join(' ')} failed: ${reply.code} ${reply.text.split('\n')[0]}`);
  }
}

export interface SessionLimits {
  /** Longest line accepted from the peer, in bytes. */
  maxLineLength: number;
  /** Most header lines accepted before the blank line. */
  maxHeaderLines: number;
  /** Time allowed for the whole header block to arrive. */
  headerTimeoutMs: number;
  /** Time allowed for each command's reply. */
  commandTimeoutMs: number;
}

export const DEFAULT_LIMITS: SessionLimits = {
  maxLineLength: 8192,
  maxHeaderLines: 200,
  headerTimeoutMs: 5000,
  commandTimeoutMs: 10_000,
};

/**
 * One FastAGI connection: buffers the socket into lines, reads the header, then runs one
 * command at a time. `HANGUP` lines may arrive at any point (also inside a reply sequence);
 * they are noted in `hungUp` and skipped.
 */
export class AgiSession {
  hungUp = false;
  #buffer = '';
  #lines: string[] = [];
  #waiting: { resolve: (line: string) => void; reject: (err: Error) => void } | undefined;
  #failure: Error | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly socket: Socket,
    readonly limits: SessionLimits = DEFAULT_LIMITS,
  ) {
    socket.setEncoding('utf8');
    socket.setNoDelay(true);
    socket.on('data', (chunk: string) => this.#onData(chunk));
    socket.on('end', () => this.#fail(new AgiHangupError('connection closed by the PBX')));
    socket.on('close', () => this.#fail(new AgiHangupError('connection closed')));
    socket.on('error', (err) => this.#fail(new AgiHangupError(`socket error: ${err.message}`)));
  }

  get remoteAddress(): string {
    return this.socket.remoteAddress ?? 'unknown';
  }

  #onData(chunk: string): void {
    this.#buffer += chunk;
    let nl: number;
    while ((nl = this.#buffer.indexOf('\n')) >= 0) {
      const line = this.#buffer.slice(0, nl).replace(/\r$/, '');
      this.#buffer = this.#buffer.slice(nl + 1);
      if (line.length > this.limits.maxLineLength) return this.#abort(new AgiProtocolError('line too long'));
      this.#push(line);
      if (this.socket.destroyed) return;
    }
    if (this.#buffer.length > this.limits.maxLineLength) this.#abort(new AgiProtocolError('line too long'));
  }

  #push(line: string): void {
    const w = this.#waiting;
    if (w) {
      this.#waiting = undefined;
      w.resolve(line);
    } else if (this.#lines.length >= 2 * this.limits.maxHeaderLines) {
      // Asterisk sends a header, then one reply per command (and HANGUP): never more than a
      // header's worth of lines nobody has asked for yet. A peer flooding short lines (while a
      // handler waits for the database, or after the conversation ended) would otherwise grow
      // this queue without bound — hundreds of MB in seconds — and its shift() would stall the
      // whole process (found by test/fuzz-agi.test.ts).
      this.#abort(new AgiProtocolError('too many lines nobody asked for'));
    } else {
      this.#lines.push(line);
    }
  }

  #fail(err: Error): void {
    this.#failure ??= err;
    const w = this.#waiting;
    this.#waiting = undefined;
    w?.reject(this.#failure);
  }

  /** Protocol violation: stop reading and drop the connection. */
  #abort(err: Error): void {
    this.#buffer = '';
    this.#fail(err);
    this.socket.destroy();
  }

  #readLine(deadline: number): Promise<string> {
    const queued = this.#lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.#waiting = undefined;
          reject(new AgiTimeoutError('no answer from the PBX in time'));
        },
        Math.max(0, deadline - Date.now()),
      );
      this.#waiting = {
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }

  /** Reads the `agi_*` header block up to its blank line. */
  async readRequest(): Promise<AgiRequest> {
    const deadline = Date.now() + this.limits.headerTimeoutMs;
    const lines: string[] = [];
    for (;;) {
      const line = await this.#readLine(deadline);
      if (line === '') break;
      if (lines.length >= this.limits.maxHeaderLines) throw new AgiProtocolError('too many header lines');
      lines.push(line);
    }
    return parseHeader(lines);
  }

  /** Sends one command and resolves with its reply; error codes reject with AgiCommandError. */
  command(cmd: string): Promise<AgiReply> {
    const run = this.#queue.then(() => this.#exchange(cmd));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #exchange(cmd: string): Promise<AgiReply> {
    if (this.#failure) throw this.#failure;
    if (cmd.includes('\n')) throw new AgiProtocolError('a command cannot contain a line break');
    this.socket.write(`${cmd}\n`);
    const deadline = Date.now() + this.limits.commandTimeoutMs;
    // One reply is a few lines (a 520 usage text a few dozen): a peer that keeps sending HANGUP,
    // 100 or 520- continuation lines is cut off rather than read (and kept) until the deadline.
    let read = 0;
    const readLine = () => {
      if (++read > this.limits.maxHeaderLines) throw new AgiProtocolError('reply too long');
      return this.#readLine(deadline);
    };
    for (;;) {
      const line = await readLine();
      if (line === 'HANGUP') {
        this.hungUp = true;
        continue;
      }
      if (line.startsWith('100 ')) continue; // "100 result=0 Trying...": the real reply follows
      const lines = [line];
      if (isMultilineStart(line)) {
        while (!isMultilineEnd(lines[lines.length - 1]!)) lines.push(await readLine());
      }
      const reply = parseReply(lines);
      if (reply.code !== 200) throw new AgiCommandError(cmd, reply);
      return reply;
    }
  }

  /** Ends the conversation; Asterisk then continues its dialplan. */
  close(): void {
    // A connection the PBX already closed has nothing left to send; otherwise end it and make
    // sure it is gone even if the peer never completes the close.
    if (this.#failure) {
      this.socket.destroy();
      return;
    }
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 5000).unref();
  }
}
