// Child processes of the test scripts (the browser e2e, the adopter test): each in its own process
// group, so stopping it stops what it started; the last lines of its output kept for a failure.
import { spawn } from 'node:child_process';

export function processGroup() {
  const children = [];
  return {
    children,
    /** Starts `command` detached; `children` gets `{name, child, lines, exitCode}`. */
    start(name, command, args, { cwd, env = {} }) {
      const child = spawn(command, args, {
        cwd,
        env: { ...process.env, ...env },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const entry = { name, child, lines: [], exitCode: undefined };
      const keep = chunk => {
        for (const line of chunk.toString().split('\n')) {
          if (line.trim()) entry.lines.push(line);
          if (entry.lines.length > 400) entry.lines.shift();
        }
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      child.on('exit', code => {
        entry.exitCode = code ?? 'signal';
      });
      children.push(entry);
      return child;
    },
    stopAll() {
      for (const { child } of children) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
    },
  };
}
