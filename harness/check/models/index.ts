/** The models a history can be checked against, by the name used on the command line. */
import { ConfigError, listAccepted } from '../../errors.ts';
import type { AnyModel } from '../types.ts';
import { byteStreamModel } from './byte-stream.ts';
import { counterModel } from './counter.ts';
import { fileModel } from './file.ts';
import { kvModel } from './kv.ts';
import { casRegisterModel, registerModel } from './register.ts';
import { ttlKvModel } from './ttl-kv.ts';

/** Every model, in the order `--help` lists them. */
export const models: readonly AnyModel[] = [counterModel, registerModel, casRegisterModel, kvModel, fileModel, byteStreamModel, ttlKvModel];

/** The model called `name`; a ConfigError listing the models if there is none. */
export function findModel(name: string): AnyModel {
  const model = models.find((candidate) => candidate.name === name);
  if (model === undefined) throw new ConfigError(`unknown model "${name}": expected ${listAccepted(models.map((candidate) => candidate.name))}`);
  return model;
}
