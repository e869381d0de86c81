/**
 * Bad input from a user (a flag, a configuration value, a file): the message names the bad value
 * and what would be accepted. The CLI turns it into exit code 2; everything else that throws is a
 * bug in ftbench.
 */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * A strategy asked to replicate a guest it does not support (machine-level replay with a
 * multiprocessor guest): a known limit, reported as such rather than as a failure.
 */
export class UnsupportedCombination extends ConfigError {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedCombination';
  }
}

/** Formats a list of accepted names for an error message: `a, b or c`. */
export function listAccepted(names: readonly string[]): string {
  if (names.length === 0) return '(none)';
  if (names.length === 1) return names[0]!;
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}
