/**
 * `--plugin PATH`: strategies from outside the repository. A plugin is a TypeScript or JavaScript
 * module (a file, or a folder with an `index.ts`/`index.js` or a package.json `main`) that exports
 * a `Strategy` — as `default`, as `strategy`, or a list as `strategies` — and imports the plugin API
 * by the package's own name (`ftbench/strategy`, see package.json `exports`). Every problem is bad
 * input naming the file: a missing or misshapen export, a module that throws while loading, a name
 * that clashes with a registered strategy.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../errors.ts';
import { registerStrategy } from '../../strategies/registry.ts';
import type { Strategy } from '../../strategies/types.ts';

/** The index files a plugin folder is looked up by, in this order (after package.json's "main"). */
const PLUGIN_INDEX_FILES = ['index.ts', 'index.mts', 'index.js', 'index.mjs'];

/** The module file a plugin path names. */
function pluginFile(path: string): string {
  const absolute = isAbsolute(path) ? path : resolve(process.cwd(), path);
  if (!existsSync(absolute)) throw new ConfigError(`--plugin ${path}: no such file or folder`);
  if (!statSync(absolute).isDirectory()) return absolute;
  const manifest = join(absolute, 'package.json');
  if (existsSync(manifest)) {
    const main = (JSON.parse(readFileSync(manifest, 'utf8')) as { main?: unknown }).main;
    if (typeof main === 'string') return join(absolute, main);
  }
  for (const name of PLUGIN_INDEX_FILES) if (existsSync(join(absolute, name))) return join(absolute, name);
  throw new ConfigError(`--plugin ${path}: the folder has no ${PLUGIN_INDEX_FILES.join(', ')} or package.json "main"`);
}

/** Checks that `value` has the shape of a Strategy; the message names the first field that does not. */
function checkShape(value: unknown, file: string): Strategy {
  const problem = (what: string) => new ConfigError(`plugin ${file}: ${what}`);
  if (typeof value !== 'object' || value === null) throw problem(`the exported strategy is ${value === null ? 'null' : typeof value}, expected an object with name, description, parameters, supports, replicas, spares and create`);
  const strategy = value as Record<string, unknown>;
  if (typeof strategy.name !== 'string' || !/^[a-z][a-z0-9-]*$/.test(strategy.name)) throw problem(`name = ${JSON.stringify(strategy.name)} is not valid: expected lower-case words joined by dashes`);
  const at = (field: string, expected: string) => problem(`strategy ${strategy.name as string}: ${field} = ${JSON.stringify(strategy[field]) ?? typeof strategy[field]} is not valid: expected ${expected}`);
  if (typeof strategy.description !== 'string' || strategy.description === '') throw at('description', 'a non-empty string');
  if (!Array.isArray(strategy.parameters)) throw at('parameters', 'a list of parameter specs (harness/params.ts), [] for none');
  const supports = strategy.supports as Record<string, unknown> | undefined;
  if (typeof supports !== 'object' || supports === null || typeof supports.multiprocessorGuests !== 'boolean' || typeof supports.disk !== 'boolean') throw at('supports', '{ multiprocessorGuests: boolean, disk: boolean }');
  if (!Number.isSafeInteger(strategy.replicas) || (strategy.replicas as number) < 1 || (strategy.replicas as number) > 8) throw at('replicas', 'an integer from 1 to 8');
  if (!Number.isSafeInteger(strategy.spares) || (strategy.spares as number) < 0 || (strategy.spares as number) > 8) throw at('spares', 'an integer from 0 to 8');
  if (typeof strategy.create !== 'function') throw at('create', 'a function (context) => StrategyInstance');
  return value as Strategy;
}

/** The strategies a plugin module exports. */
function exported(module: Record<string, unknown>, file: string): Strategy[] {
  const found = module.strategies ?? module.strategy ?? module.default;
  if (found === undefined) throw new ConfigError(`plugin ${file}: exports no strategy: expected an export named strategy or strategies, or a default export`);
  const list = Array.isArray(found) ? found : [found];
  if (list.length === 0) throw new ConfigError(`plugin ${file}: exports an empty list of strategies`);
  return list.map((entry) => checkShape(entry, file));
}

/** Loads and registers every plugin, in order. */
export async function loadPlugins(paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    const file = pluginFile(path);
    let module: Record<string, unknown>;
    try {
      module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    } catch (error) {
      const message = (error as Error).message.split('\n')[0]!;
      // tsx compiles a .ts file as CommonJS unless its package says "type": "module".
      const hint = /require\(\)|require\(esm\)|ERR_REQUIRE/.test(message) ? ' (a plugin is an ES module: name it .mts, or put a package.json with "type": "module" beside it)' : '';
      throw new ConfigError(`plugin ${file}: failed while loading: ${message}${hint}`);
    }
    for (const strategy of exported(module, file)) {
      try {
        registerStrategy(strategy, file);
      } catch (error) {
        if (error instanceof ConfigError) throw error;
        throw new ConfigError(`plugin ${file}: ${(error as Error).message}`);
      }
    }
  }
}

/** Takes every `--plugin PATH` out of `args` (they may come anywhere) and returns the rest. */
export function splitPluginFlags(args: readonly string[]): { plugins: string[]; rest: string[] } {
  const plugins: string[] = [];
  const rest: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === '--plugin') {
      const value = args[++index];
      if (value === undefined) throw new ConfigError('--plugin needs a path: --plugin PATH (a strategy module file or folder)');
      plugins.push(value);
    } else if (arg.startsWith('--plugin=')) {
      plugins.push(arg.slice('--plugin='.length));
    } else {
      rest.push(arg);
    }
  }
  return { plugins, rest };
}
