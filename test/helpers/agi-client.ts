import { connect } from 'node:net';
import { agiHeader } from './asterisk-peer.js';

export interface ScriptResult {
  /** Variables the server set, in order. */
  vars: Record<string, string>;
  /** Every command line the server sent. */
  commands: string[];
  /** Milliseconds from connect to the server closing the connection. */
  ms: number;
}

/**
 * Plays Asterisk for one AGI() call: sends the header the way Asterisk 22 does, answers
 * every command as Asterisk would (SET VARIABLE → 200 result=1), and waits for the server to
 * close the connection.
 */
export function runScript(
  port: number,
  opts: { script: string; uniqueid: string; args?: string[]; extension?: string; callerid?: string },
): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect({ port, host: '127.0.0.1', noDelay: true });
    const vars: Record<string, string> = {};
    const commands: string[] = [];
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(agiHeader(opts)));
    socket.on('data', (d: string) => {
      buffer += d;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        commands.push(line);
        const m = /^SET VARIABLE (\S+) "((?:[^"\\]|\\.)*)"$/.exec(line);
        const mset = /^EXEC MSet "([^"\\]*)"$/.exec(line);
        if (m) {
          vars[m[1]!] = m[2]!.replace(/\\(.)/g, '$1');
          socket.write('200 result=1\n');
        } else if (mset) {
          // as Asterisk's MSet: comma-separated name=value pairs; EXEC answers 200 result=0
          for (const pair of mset[1]!.split(',')) {
            const eq = pair.indexOf('=');
            vars[pair.slice(0, eq)] = pair.slice(eq + 1);
          }
          socket.write('200 result=0\n');
        } else {
          socket.write('510 Invalid or unknown command\n');
        }
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve({ vars, commands, ms: performance.now() - started }));
  });
}
