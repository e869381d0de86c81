/**
 * The `ftbench` command line. Each subcommand lives in its own file and returns the process exit
 * code; this file only dispatches. Exit codes: 0 success, 1 a checked property failed (or the
 * guest failed), 2 bad input (unknown names, bad values, unreadable files).
 */
import { ConfigError, listAccepted } from '../errors.ts';
import { loadPlugins, splitPluginFlags } from './plugins.ts';

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
    summary: 'crash a host at each named event point of a small run (or the primary after each reply), report points that break a checker: ftbench explore --strategy S --workload W [--host primary|backup|spare] [--points N]',
    run: async (args) => (await import('./explore.ts')).exploreCommand(args),
  },
  swarm: {
    summary: 'many runs, each drawing its strategy, workload and fault options from one seed: ftbench swarm [--runs N] [--seed S] [--jobs J]',
    run: async (args) => (await import('./swarm.ts')).swarmCommand(args),
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
  return [
    'usage: ftbench [--plugin PATH ...] COMMAND [ARGS]', '', 'commands:', ...lines, '',
    '--plugin PATH loads a strategy from a module file or folder outside the repository (repeatable, any position);',
    'strategies/README.md says how to write one. ftbench COMMAND --help shows a command\'s options.',
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  let split: { plugins: string[]; rest: string[] };
  try {
    split = splitPluginFlags(argv);
    await loadPlugins(split.plugins);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`ftbench: ${error.message}`);
    return 2;
  }
  const [name, ...rest] = split.rest;
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
