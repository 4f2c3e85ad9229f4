import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Command } from 'commander';
import { PROJECT_ROOT } from './terraform';

/**
 * The local AWS emulator the deploy test runs against: moto in server mode, pinned, in a
 * project virtual environment. Confirm a new pin against the gaps listed in the README.
 */
export const MOTO_VERSION = '5.2.5';
export const MOTO_REQUIREMENT = `moto[server]==${MOTO_VERSION}`;
export const VENV_DIR = join(PROJECT_ROOT, '.venv-moto');
const LOG_DIR = join(PROJECT_ROOT, '.cache', 'emulator');

const venvBin = (name: string): string => join(VENV_DIR, 'bin', name);

function python(): string {
  return process.env.COLOSSUS_PYTHON ?? 'python3';
}

function installedMotoVersion(): string | undefined {
  if (!existsSync(venvBin('python'))) return undefined;
  const probe = spawnSync(venvBin('python'), ['-c', 'import moto; print(moto.__version__)'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

/** Creates the virtual environment and installs the pinned moto, unless it is there already. */
export function installEmulator(log: (line: string) => void = () => {}): void {
  if (installedMotoVersion() === MOTO_VERSION) return;
  const steps: [string, string[]][] = [
    [python(), ['-m', 'venv', VENV_DIR]],
    [venvBin('python'), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', MOTO_REQUIREMENT]],
  ];
  for (const [command, args] of steps) {
    log(`$ ${[command, ...args].join(' ')}`);
    const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    if (result.status !== 0) {
      throw new Error(`installing ${MOTO_REQUIREMENT} failed: ${command} exited with ${result.status ?? result.error}`);
    }
  }
  const version = installedMotoVersion();
  if (version !== MOTO_VERSION) throw new Error(`expected moto ${MOTO_VERSION} in ${VENV_DIR}, found ${version}`);
}

/** A free TCP port on the loopback interface, as the kernel hands it out. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === 'object' ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface Emulator {
  readonly endpoint: string;
  readonly pid: number;
  readonly log: string;
  /** Stops the server and waits for it to exit. */
  stop(): Promise<void>;
}

async function waitUntilUp(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode} before it answered`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`moto_server did not answer at ${endpoint} within ${timeoutMs / 1000} s`);
}

/** Starts moto_server on a free loopback port (never on other interfaces) and waits for it. */
export async function startEmulator(options: { port?: number; timeoutMs?: number } = {}): Promise<Emulator> {
  if (!existsSync(venvBin('moto_server'))) {
    throw new Error(`moto is not installed in ${VENV_DIR}: run \`npx tsx tools/emulator.ts install\``);
  }
  const port = options.port ?? (await freeLoopbackPort());
  const endpoint = `http://127.0.0.1:${port}`;
  mkdirSync(LOG_DIR, { recursive: true });
  const log = join(LOG_DIR, `moto-${port}.log`);
  const out = openSync(log, 'a');
  const child = spawn(venvBin('moto_server'), ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', out, out],
    // Fake credentials only: moto must never see a real key from the caller's environment.
    env: { PATH: process.env.PATH ?? '', AWS_ACCESS_KEY_ID: 'emulator', AWS_SECRET_ACCESS_KEY: 'emulator' },
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    await waitUntilUp(endpoint, child, options.timeoutMs ?? 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, pid: child.pid ?? -1, log, stop };
}

/** Forgets everything the emulator holds, as if it had just started. */
export async function resetEmulator(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`resetting the emulator failed: HTTP ${response.status}`);
}

if (require.main === module) {
  const program = new Command('emulator').description(`moto ${MOTO_VERSION} in ${VENV_DIR}`);
  program
    .command('install')
    .description(`install ${MOTO_REQUIREMENT} into the project virtual environment`)
    .action(() => installEmulator((line) => console.log(line)));
  program
    .command('run')
    .description('start the emulator, run a command with COLOSSUS_EMULATOR_ENDPOINT set, stop the emulator')
    .argument('<command...>')
    .action(async (command: string[]) => {
      installEmulator((line) => console.log(line));
      const emulator = await startEmulator();
      console.log(`emulator: moto ${MOTO_VERSION} at ${emulator.endpoint} (pid ${emulator.pid}, log ${emulator.log})`);
      const [cmd, ...args] = command as [string, ...string[]];
      const result = spawnSync(cmd, args, {
        stdio: 'inherit',
        env: { ...process.env, COLOSSUS_TARGET: 'emulator', COLOSSUS_EMULATOR_ENDPOINT: emulator.endpoint },
      });
      await emulator.stop();
      process.exitCode = result.status ?? 1;
    });
  program.parseAsync().catch((error: unknown) => {
    console.error(`emulator: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
