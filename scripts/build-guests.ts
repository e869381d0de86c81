/**
 * Builds every guest image of the suite: the C runtime of workloads/guest/runtime and each image
 * that a `guest.json` under workloads/ declares, into `bin/NAME.elf` beside that guest.json.
 *
 * Usage: npm run build:guests [-- --check]
 *
 * The images are committed, so that users need no cross compiler; `--check` rebuilds into a
 * temporary folder and fails (exit 1, naming the files) if a committed image differs from its
 * sources byte for byte. Exit 2 means the toolchain (clang, ld.lld) is missing. The build is
 * deterministic: fixed flags, no debug information, no build id, no compiler identity, paths
 * relative to the repository root, objects linked in a fixed order.
 *
 * A guest.json is a plain declaration (see workloads/guest/README.md):
 *   { "images": [ { "name": "sort", "variant": "user", "sources": ["sort.c"] } ] }
 * `variant` is "machine" (a guest of the ftbench machine: crt0, trap vector, drivers) or "user"
 * (a bare program that runs on qemu-riscv32 and on the VM's bare-program mode); `sources` are
 * relative to the guest.json; a machine image may set `ramSizeBytes` (default 16 MiB).
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, posix, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const guestFolder = 'workloads/guest';
const runtimeFolder = `${guestFolder}/runtime`;
const includeFolder = `${guestFolder}/include`;
/** Which clang and lld built the committed images; --check is byte-exact only with the same ones. */
export const toolchainRecordPath = `${guestFolder}/toolchain.json`;

export type GuestVariant = 'machine' | 'user';
const variants: readonly GuestVariant[] = ['machine', 'user'];

/** One image that a guest.json declares. Paths are relative to the repository root, with '/'. */
export interface GuestImage {
  /** Image name: the file is `bin/<name>.elf` beside the guest.json. */
  readonly name: string;
  readonly variant: GuestVariant;
  /** C and assembly sources of the program (the runtime of its variant is added). */
  readonly sources: readonly string[];
  /** The machine's RAM size the image is linked for (machine variant only). */
  readonly ramSizeBytes: number | undefined;
  /** Where the built image lives. */
  readonly imagePath: string;
  /** The guest.json that declares it. */
  readonly manifestPath: string;
}

export interface Toolchain {
  readonly clang: string;
  readonly linker: string;
  /** First line of each tool's --version: what the images' bytes depend on. */
  readonly clangVersion: string;
  readonly linkerVersion: string;
}

const compileFlags = [
  '--target=riscv32-unknown-elf',
  '-march=rv32ima',
  '-mabi=ilp32',
  '-mcmodel=medany',
  // lld 14 cannot relax; asking clang not to emit relaxable sequences keeps the code as compiled.
  '-mno-relax',
  '-ffreestanding',
  '-nostdlib',
  '-std=gnu11',
  '-O2',
  '-g0',
  '-fno-ident',
  '-fno-common',
  '-fno-unwind-tables',
  '-fno-asynchronous-unwind-tables',
  '-ffunction-sections',
  '-fdata-sections',
  '-Wall',
  '-Wextra',
  '-Werror',
  `-ffile-prefix-map=${repositoryRoot}${sep}=`,
  `-I${includeFolder}`,
];

const linkFlags = ['--build-id=none', '--gc-sections', '-static', '--no-undefined'];

/** Every guest.json under workloads/, in a fixed order. */
export function findManifests(root: string = repositoryRoot): string[] {
  const found: string[] = [];
  const visit = (folder: string): void => {
    for (const name of readdirSync(join(root, folder)).sort()) {
      if (name === 'node_modules' || name === 'bin' || name.startsWith('.')) continue;
      const path = posix.join(folder, name);
      if (statSync(join(root, path)).isDirectory()) visit(path);
      else if (name === 'guest.json') found.push(path);
    }
  };
  visit('workloads');
  return found;
}

function fail(manifestPath: string, message: string): never {
  throw new Error(`${manifestPath}: ${message}`);
}

/** Reads and validates one guest.json; unknown keys are refused so that typos do not pass. */
export function readManifest(manifestPath: string, root: string = repositoryRoot): GuestImage[] {
  const parsed: unknown = JSON.parse(readFileSync(join(root, manifestPath), 'utf8'));
  const folder = posix.dirname(manifestPath);
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as { images?: unknown }).images)) {
    fail(manifestPath, 'expected { "images": [ ... ] }');
  }
  const names = new Set<string>();
  return ((parsed as { images: unknown[] }).images).map((entry, index) => {
    const image = parseImage(root, manifestPath, folder, entry, index);
    if (names.has(image.name)) fail(manifestPath, `image "${image.name}" is declared twice`);
    names.add(image.name);
    return image;
  });
}

function parseImage(root: string, manifestPath: string, folder: string, entry: unknown, index: number): GuestImage {
  const where = `images[${index}]`;
  if (typeof entry !== 'object' || entry === null) fail(manifestPath, `${where} is not an object`);
  const record = entry as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!['name', 'variant', 'sources', 'ramSizeBytes'].includes(key)) fail(manifestPath, `${where}: unknown key "${key}"`);
  }
  const { name, variant, sources, ramSizeBytes } = record;
  if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(name)) {
    fail(manifestPath, `${where}.name must be lower-case letters, digits and '-'`);
  }
  if (!variants.includes(variant as GuestVariant)) fail(manifestPath, `${where}.variant must be "machine" or "user"`);
  if (!Array.isArray(sources) || sources.length === 0 || !sources.every((source) => typeof source === 'string')) {
    fail(manifestPath, `${where}.sources must be a non-empty list of file names`);
  }
  if (ramSizeBytes !== undefined) {
    if (variant !== 'machine') fail(manifestPath, `${where}.ramSizeBytes applies to machine images only`);
    if (!Number.isInteger(ramSizeBytes) || (ramSizeBytes as number) <= 0 || (ramSizeBytes as number) % 4096 !== 0) {
      fail(manifestPath, `${where}.ramSizeBytes must be a positive multiple of 4096`);
    }
  }
  const sourcePaths = (sources as string[]).map((source) => posix.join(folder, source));
  for (const source of sourcePaths) {
    if (!existsSync(join(root, source))) fail(manifestPath, `${where}: source ${source} does not exist`);
  }
  return {
    name,
    variant: variant as GuestVariant,
    sources: sourcePaths,
    ramSizeBytes: ramSizeBytes as number | undefined,
    imagePath: posix.join(folder, 'bin', `${name}.elf`),
    manifestPath,
  };
}

/** Every image of every guest.json. */
export function findGuestImages(root: string = repositoryRoot): GuestImage[] {
  return findManifests(root).flatMap((manifestPath) => readManifest(manifestPath, root));
}

function firstVersionLine(tool: string): string | undefined {
  const result = spawnSync(tool, ['--version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  return result.stdout.split('\n')[0]?.trim();
}

/** The toolchain, or the list of what is missing. CLANG and LD_LLD override the tool names. */
export function findToolchain(): { toolchain: Toolchain } | { missing: string[] } {
  const clang = process.env.CLANG ?? 'clang';
  const linker = process.env.LD_LLD ?? 'ld.lld';
  const clangVersion = firstVersionLine(clang);
  const linkerVersion = firstVersionLine(linker);
  if (clangVersion === undefined || linkerVersion === undefined) {
    const missing: string[] = [];
    if (clangVersion === undefined) missing.push(clang);
    if (linkerVersion === undefined) missing.push(linker);
    return { missing };
  }
  return { toolchain: { clang, linker, clangVersion, linkerVersion } };
}

/** The toolchain that built the committed images, if recorded. */
export function readToolchainRecord(): { clangVersion: string; linkerVersion: string } | undefined {
  const path = join(repositoryRoot, toolchainRecordPath);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as { clangVersion: string; linkerVersion: string };
}

function listFolder(folder: string, extensions: readonly string[]): string[] {
  return readdirSync(join(repositoryRoot, folder))
    .filter((name) => extensions.some((extension) => name.endsWith(extension)))
    .sort()
    .map((name) => posix.join(folder, name));
}

/** The runtime of a variant: the shared C files and the variant's own C and assembly files. */
function runtimeSources(variant: GuestVariant): string[] {
  return [...listFolder(`${runtimeFolder}/common`, ['.c']), ...listFolder(`${runtimeFolder}/${variant}`, ['.c', '.S'])];
}

/** Runs tasks with at most `limit` at a time; results keep the tasks' order. */
async function runLimited<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

async function invoke(tool: string, args: string[]): Promise<void> {
  try {
    await run(tool, args, { cwd: repositoryRoot, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    throw new Error(`${tool} ${args.join(' ')}\n${failure.stderr || failure.message}`);
  }
}

/** Object file for a source, named after its path so that equal file names do not collide. */
function objectPath(objectFolder: string, source: string): string {
  return join(objectFolder, `${source.replaceAll('/', '__')}.o`);
}

/**
 * Builds every image into outputRoot (mirroring the repository's paths). Returns the image paths
 * written, relative to outputRoot.
 */
export async function buildImages(toolchain: Toolchain, images: readonly GuestImage[], outputRoot: string): Promise<string[]> {
  const objectFolder = mkdtempSync(join(tmpdir(), 'ftbench-guest-objects-'));
  try {
    const sources = new Set<string>();
    for (const variant of new Set(images.map((image) => image.variant))) runtimeSources(variant).forEach((s) => sources.add(s));
    for (const image of images) image.sources.forEach((source) => sources.add(source));
    const compiles = [...sources].sort().map((source) => () =>
      invoke(toolchain.clang, [...compileFlags, '-c', source, '-o', objectPath(objectFolder, source)]),
    );
    await runLimited(compiles, availableParallelism());
    const links = images.map((image) => async () => {
      const output = join(outputRoot, image.imagePath);
      mkdirSync(dirname(output), { recursive: true });
      const objects = [...runtimeSources(image.variant), ...image.sources].map((source) => objectPath(objectFolder, source));
      const ramSize = image.ramSizeBytes === undefined ? [] : [`--defsym=__ftb_ram_size=${image.ramSizeBytes}`];
      const script = `${runtimeFolder}/${image.variant}/${image.variant}.ld`;
      await invoke(toolchain.linker, [...linkFlags, ...ramSize, '-T', script, '-o', output, ...objects]);
      return image.imagePath;
    });
    return await runLimited(links, availableParallelism());
  } finally {
    rmSync(objectFolder, { recursive: true, force: true });
  }
}

/** Committed images in the bin/ folders of the guests that no guest.json declares any more. */
function strayImages(images: readonly GuestImage[]): string[] {
  const declared = new Set(images.map((image) => image.imagePath));
  const folders = new Set(images.map((image) => posix.dirname(image.imagePath)));
  for (const manifest of findManifests()) folders.add(posix.join(posix.dirname(manifest), 'bin'));
  return [...folders]
    .filter((folder) => existsSync(join(repositoryRoot, folder)))
    .flatMap((folder) => listFolder(folder, ['.elf']))
    .filter((path) => !declared.has(path));
}

/** Rebuilds into a temporary folder; returns the problems found, one line each. */
export async function checkImages(toolchain: Toolchain, images: readonly GuestImage[]): Promise<string[]> {
  const outputRoot = mkdtempSync(join(tmpdir(), 'ftbench-guest-check-'));
  try {
    const built = await buildImages(toolchain, images, outputRoot);
    const problems: string[] = [];
    for (const path of built) {
      const committed = join(repositoryRoot, path);
      if (!existsSync(committed)) problems.push(`${path}: not built (missing)`);
      else if (!readFileSync(committed).equals(readFileSync(join(outputRoot, path)))) {
        problems.push(`${path}: differs from a build of its sources`);
      }
    }
    for (const path of strayImages(images)) problems.push(`${path}: declared by no guest.json`);
    return problems;
  } finally {
    rmSync(outputRoot, { recursive: true, force: true });
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const unknown = argv.filter((argument) => argument !== '--check');
  if (unknown.length > 0) {
    console.error(`build-guests: unknown argument ${unknown.join(' ')}\nusage: build-guests [--check]`);
    return 2;
  }
  const found = findToolchain();
  if ('missing' in found) {
    console.error(
      `build-guests: missing ${found.missing.join(' and ')}: the guest toolchain is clang and ld.lld ` +
        `(Debian/Ubuntu: apt-get install clang lld). The committed images under workloads/*/bin ` +
        `need no toolchain to run.`,
    );
    return 2;
  }
  const { toolchain } = found;
  const images = findGuestImages();
  if (argv.includes('--check')) return reportCheck(toolchain, await checkImages(toolchain, images), images.length);
  const written = await buildImages(toolchain, images, repositoryRoot);
  const record = { clangVersion: toolchain.clangVersion, linkerVersion: toolchain.linkerVersion };
  writeFileSync(join(repositoryRoot, toolchainRecordPath), `${JSON.stringify(record, null, 2)}\n`);
  for (const path of written) console.log(`built ${path}`);
  for (const path of strayImages(images)) console.warn(`warning: ${path} is declared by no guest.json; delete it`);
  return 0;
}

function reportCheck(toolchain: Toolchain, problems: readonly string[], imageCount: number): number {
  if (problems.length === 0) {
    console.log(`build-guests --check: all ${imageCount} images match their sources`);
    return 0;
  }
  console.error(`build-guests --check: ${problems.length} image(s) out of date:`);
  for (const problem of problems) console.error(`  ${problem}`);
  const record = readToolchainRecord();
  if (record && (record.clangVersion !== toolchain.clangVersion || record.linkerVersion !== toolchain.linkerVersion)) {
    console.error(
      `note: the images were built with "${record.clangVersion}" / "${record.linkerVersion}"; ` +
        `this is "${toolchain.clangVersion}" / "${toolchain.linkerVersion}", and other compilers produce other bytes.`,
    );
  }
  console.error('run `npm run build:guests` and commit the images');
  return 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`build-guests: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
