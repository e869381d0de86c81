/**
 * `ftbench merge DIR [--json]`: combines the shards a sharded or Slurm sweep left in DIR/shards/
 * into DIR/NAME.runs.csv and DIR/NAME.csv, the same bytes a single-machine `ftbench sweep` writes.
 */
import { ConfigError } from '../errors.ts';
import { parseFlags } from '../bench/flags.ts';
import { mergeShards } from '../bench/sweep/merge.ts';

const USAGE = 'usage: ftbench merge DIR [--json]\n\n  DIR      the --out folder of ftbench sweep --shard I/N runs (shard files in DIR/shards/)\n  --json   print one JSON object: the files written';

export async function mergeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseFlags({ args, allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }, USAGE);
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new ConfigError(`expected one folder DIR, got ${positionals.length}\n\n${USAGE}`);
  const result = mergeShards(positionals[0]!);
  if (values.json === true) console.log(JSON.stringify(result));
  else console.error(`merged ${result.shards} shards (${result.cells} cells) -> ${result.files.join(', ')}`);
  return 0;
}
