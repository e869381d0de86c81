/**
 * The `ftbench` command line. Each subcommand lives in its own file and returns the process exit
 * code; this file only dispatches. Exit codes: 0 success, 1 a checked property failed (or the
 * guest failed), 2 bad input (unknown names, bad values, unreadable files).
 */
import { ConfigError, listAccepted } from '../errors.ts';

interface Command {
  readonly summary: string;
  readonly run: (args: string[]) => Promise<number>;
}

const commands: Record<string, Command> = {
  list: {
    summary: 'strategies, workloads and fault scenarios with their parameters: ftbench list [--json]',
    run: async (args) => (await import('./list.ts')).listCommand(args),
  },
  run: {
    summary: 'one experiment: ftbench run --strategy S --workload W [--scenario F] [--seed N] [--set k=v ...] [--json] [--out DIR]',
    run: async (args) => (await import('./run.ts')).runCommand(args),
  },
  explore: {
    summary: 'crash the primary after each of its first N replies, report points that break a checker: ftbench explore --strategy S --workload W [--points N]',
    run: async (args) => (await import('./explore.ts')).exploreCommand(args),
  },
  check: {
    summary: 'check a history file for linearizability: ftbench check --model M FILE.json [--json] [--budget N]',
    run: async (args) => (await import('./check.ts')).checkCommand(args),
  },
  sweep: {
    summary: 'a sweep file on every core, or as a Slurm job array: ftbench sweep FILE [--jobs N] [--out DIR] [--shard I/N] [--json] [--slurm ...]',
    run: async (args) => (await import('./sweep.ts')).sweepCommand(args),
  },
  merge: {
    summary: 'combine the shards of a sweep into its tables: ftbench merge DIR',
    run: async (args) => (await import('./merge.ts')).mergeCommand(args),
  },
  vm: {
    summary: 'run a RISC-V ELF on the VM core: ftbench vm run FILE.elf [--max-instructions N]',
    run: async (args) => (await import('./vm.ts')).vmCommand(args),
  },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`);
  return ['usage: ftbench COMMAND [ARGS]', '', 'commands:', ...lines, '', 'ftbench COMMAND --help shows a command\'s options.'].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (command === undefined) {
    console.error(`ftbench: unknown command "${name}": expected ${listAccepted(Object.keys(commands))}\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`ftbench ${name}: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

process.exitCode = await main(process.argv.slice(2));
