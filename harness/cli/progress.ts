/**
 * Progress of a long command (`npm run bench`, `ftbench sweep`, `npm run bench:micro`, long
 * `ftbench run`s), on standard error so that standard output stays the command's result.
 *
 *   const progress = createProgress({ label: 'bench', total: 460, unit: 'runs' });
 *   progress.update(1);                         // one more run done: redraws the bar (terminal only)
 *   progress.update(5, 'baseline kv: 5 seeds'); // a finished item worth a line
 *   progress.finish();
 *
 * On a terminal (standard error is a TTY and CI is not set) it draws a cli-progress bar: done/total,
 * rate per second and ETA, and the latest note. Otherwise — a pipe, a log file, CI=true — it never
 * redraws: each `update` that carries a note prints one line (`label: done/total unit, note`), an
 * update without one prints a line only as it passes each tenth of a total of at least
 * `MILESTONE_MIN_TOTAL` (so a long swarm in a log says how far it is), and `finish` prints the totals.
 */
import { SingleBar } from 'cli-progress';

/** What is being counted. */
export interface ProgressOptions {
  /** Shown before the bar and at the start of each line, e.g. `bench`. */
  readonly label: string;
  /** How many items there are (at least 0). */
  readonly total: number;
  /** The items' name, plural: `runs`, `cells`, `tasks`. */
  readonly unit: string;
  /** Where to draw (default process.stderr); tests pass their own stream. */
  readonly stream?: NodeJS.WriteStream;
  /** Draw a bar (default: stream is a TTY and CI is not set). */
  readonly interactive?: boolean;
}

export interface Progress {
  /** `done` items are finished (monotone, at most `total`); a note describes the latest. */
  update(done: number, note?: string): void;
  /** Ends the bar (or prints the closing line). Call once. */
  finish(): void;
}

/** True under a CI service (CI=true, or any value but `false`/`0`). */
export function underCi(environment: NodeJS.ProcessEnv = process.env): boolean {
  const value = environment.CI;
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

/** Totals from which a log without a terminal gets a line at each tenth even without notes. */
export const MILESTONE_MIN_TOTAL = 20;

export function rateText(done: number, seconds: number): string {
  if (seconds <= 0) return '-';
  const rate = done / seconds;
  // Two significant digits below 10 per second, so a slow unit (whole benches) does not read 0.00.
  return rate >= 10 ? rate.toFixed(0) : String(Number(rate.toPrecision(2)));
}

export function createProgress(options: ProgressOptions): Progress {
  if (!Number.isSafeInteger(options.total) || options.total < 0) throw new RangeError(`createProgress: total ${options.total} is not valid: expected an integer of at least 0`);
  const stream = options.stream ?? process.stderr;
  const interactive = options.interactive ?? (stream.isTTY === true && !underCi());
  const startedMs = performance.now();
  const elapsedSeconds = () => (performance.now() - startedMs) / 1000;
  let last = 0;
  const check = (done: number) => {
    if (!Number.isSafeInteger(done) || done < last || done > options.total) throw new RangeError(`progress ${options.label}: done ${done} is not valid: expected an integer from ${last} to ${options.total}`);
    last = done;
  };
  if (!interactive) {
    const tenth = (done: number) => Math.floor((done * 10) / options.total);
    return {
      update(done, note) {
        const before = last;
        check(done);
        if (note !== undefined) stream.write(`${options.label}: ${done}/${options.total} ${options.unit}, ${note}\n`);
        else if (options.total >= MILESTONE_MIN_TOTAL && tenth(done) > tenth(before)) {
          stream.write(`${options.label}: ${done}/${options.total} ${options.unit} (${tenth(done) * 10} %), ${rateText(done, elapsedSeconds())} ${options.unit}/s\n`);
        }
      },
      finish() {
        stream.write(`${options.label}: ${last}/${options.total} ${options.unit} in ${elapsedSeconds().toFixed(1)} s (${rateText(last, elapsedSeconds())} ${options.unit}/s)\n`);
      },
    };
  }
  const bar = new SingleBar({
    stream,
    format: `${options.label} [{bar}] {value}/{total} ${options.unit} | {rate} ${options.unit}/s | ETA {eta_formatted} | {note}`,
    hideCursor: true,
    etaBuffer: 20,
    fps: 5,
    // Draw even when the stream is not a TTY: the caller chose the bar (interactive), e.g. a test.
    noTTYOutput: true,
  });
  bar.start(options.total, 0, { rate: '-', note: '' });
  return {
    update(done, note) {
      check(done);
      bar.update(done, { rate: rateText(done, elapsedSeconds()), ...(note === undefined ? {} : { note }) });
    },
    finish() {
      bar.stop();
    },
  };
}
