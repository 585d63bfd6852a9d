import { spawn, type ChildProcess } from 'node:child_process';

export interface CapConduitProcess {
  child: ChildProcess;
  output: () => string;
  match: RegExpExecArray;
  stop(): Promise<number | null>;
}

/** Starts `capconduit start` as a child process and waits for a line matching `ready`. */
export function startCapConduit(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
  nodeArgs: string[] = [],
): Promise<CapConduitProcess> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/main.ts', 'start', ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', PORT: '0', AGI_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      // Not left running: it would hold the embedded database's lock for the tests that follow.
      child.kill('SIGTERM');
      reject(new Error(`not ready in 30 s:\n${out}`));
    }, 30_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          child,
          output: () => out,
          match: m,
          stop: async () => {
            child.kill('SIGTERM');
            return exit;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exit.then((code) => reject(new Error(`exited ${code}:\n${out}`)));
  });
}
