/*
 * A CPU-bound job with little I/O and a large, changing working set: the kernel-compile analogue
 * of the replication papers. Each `run` request carries out `job-units` units of work; a unit
 * picks a 4 KiB block of the working set (from the job state, so the walk covers the whole set),
 * rewrites every word of it with a hash of the word and the state, and does one odd-even sorting
 * pass over it. Many pages get dirty per job (what makes checkpointing costly), while the input
 * is a few bytes (what keeps machine-level logging cheap).
 *
 * Boot arguments: working-set-kib (64 to CPU_MAX_WORKING_SET / 1024, default all of it),
 * job-units (1 to 1000000, default 128) and disk-blocks (0 to DISK_MAX_BLOCKS, default 0).
 *
 * With disk-blocks = n > 0 each run also does a database-like disk round (DVD Store's transactions
 * read rows and write an order, Scales et al. 2010 §5.1): it reads n consecutive 4 KiB blocks of
 * the disk, folds them into the job's walk, and writes them back changed before it answers. The
 * blocks move through the disk in turn, so the whole disk is covered; the disk write is an output
 * the replication strategies must hold, its completion an input.
 *
 * Operations (workloads/README.md, "cpu-bound"): 1 run (no payload) → [u32 jobs done][u32
 * checksum of this job]; 2 get (no payload) → [u32 jobs done][u32 checksum of the last job].
 */
#include <ftbench/boot-args.h>
#include <ftbench/disk.h>
#include <ftbench/service.h>

#define OPERATION_RUN 1u
#define OPERATION_GET 2u

#define CPU_MAX_WORKING_SET (4u * 1024u * 1024u)
#define BLOCK_WORDS 1024u
#define MAX_BLOCKS (CPU_MAX_WORKING_SET / (BLOCK_WORDS * 4u))
#define DISK_BLOCK_SECTORS (BLOCK_WORDS * 4u / FTB_DISK_SECTOR_SIZE)
/* A disk round is one request each way: at most FTB_DISK_MAX_SECTORS_PER_REQUEST sectors. */
#define DISK_MAX_BLOCKS (FTB_DISK_MAX_SECTORS_PER_REQUEST / DISK_BLOCK_SECTORS)

/* The application state: the working set and the job counters. */
uint32_t cpu_working_set[CPU_MAX_WORKING_SET / 4u];

struct cpu_job_state {
  uint32_t jobs;
  uint32_t last_checksum;
  /* The state that walks the working set; carried from job to job, so each job depends on all before. */
  uint32_t walk;
};

struct cpu_job_state cpu_job_state;

static uint32_t blocks = MAX_BLOCKS;
static uint32_t units_per_job = 128;
static uint32_t disk_blocks = 0;
/* The disk round's buffer: its contents are the disk's, so it is no application state. */
static uint32_t disk_buffer[DISK_MAX_BLOCKS * BLOCK_WORDS];

/* Rewrites one block and sorts it a little; returns the new walk state. */
static uint32_t work_unit(uint32_t *block, uint32_t walk) {
  for (uint32_t index = 0; index < BLOCK_WORDS; index++) {
    uint32_t word = (block[index] ^ walk) * 2654435761u + index;
    word ^= word >> 15;
    block[index] = word;
    walk = (walk ^ word) * 16777619u;
  }
  /* One pass of odd-even transposition sort: data-dependent branches and more stores. */
  for (uint32_t index = walk & 1u; index + 1u < BLOCK_WORDS; index += 2u) {
    if (block[index] > block[index + 1u]) {
      uint32_t swap = block[index];
      block[index] = block[index + 1u];
      block[index + 1u] = swap;
    }
  }
  return walk;
}

/*
 * The job's disk round: reads disk_blocks blocks at the job's turn of the disk, folds them into
 * the walk and writes them back with the walk mixed in. Returns 0, or -1 on a disk error.
 */
static int disk_round(uint32_t *walk) {
  uint32_t rounds = ftb_disk_capacity() / (disk_blocks * DISK_BLOCK_SECTORS);
  if (rounds == 0) return -1;
  uint32_t sector = (cpu_job_state.jobs % rounds) * disk_blocks * DISK_BLOCK_SECTORS;
  uint32_t sectors = disk_blocks * DISK_BLOCK_SECTORS;
  if (ftb_disk_read(sector, sectors, disk_buffer) != 0) return -1;
  uint32_t folded = *walk;
  for (uint32_t index = 0; index < disk_blocks * BLOCK_WORDS; index++) {
    folded = (folded ^ disk_buffer[index]) * 16777619u;
    disk_buffer[index] ^= folded;
  }
  if (ftb_disk_write(sector, sectors, disk_buffer) != 0) return -1;
  *walk = folded;
  return 0;
}

static struct ftb_result run_job(uint8_t *reply) {
  uint32_t walk = cpu_job_state.walk;
  /* The disk round comes first, so a disk error leaves the job state as it was. */
  if (disk_blocks > 0 && disk_round(&walk) != 0) return ftb_error(FTB_STATUS_IO_ERROR, "disk error", reply);
  for (uint32_t unit = 0; unit < units_per_job; unit++) {
    uint32_t block = (walk >> 8) % blocks;
    walk = work_unit(&cpu_working_set[block * BLOCK_WORDS], walk + unit);
  }
  cpu_job_state.walk = walk;
  cpu_job_state.jobs++;
  cpu_job_state.last_checksum = walk;
  ftb_store_u32(reply, cpu_job_state.jobs);
  ftb_store_u32(reply + 4, walk);
  return ftb_ok(8);
}

static struct ftb_result execute(uint32_t operation, const uint8_t *payload, uint32_t length, uint8_t *reply) {
  (void)payload;
  if (operation != OPERATION_RUN && operation != OPERATION_GET) return ftb_error(FTB_STATUS_UNKNOWN_OPERATION, "unknown operation", reply);
  if (length != 0) return ftb_error(FTB_STATUS_BAD_ARGUMENT, "cpu-bound operations take no payload", reply);
  if (operation == OPERATION_RUN) return run_job(reply);
  ftb_store_u32(reply, cpu_job_state.jobs);
  ftb_store_u32(reply + 4, cpu_job_state.last_checksum);
  return ftb_ok(8);
}

static const struct ftb_service service = {execute, 0};

int main(void) {
  int32_t kib = ftb_boot_arg_int("working-set-kib", (int32_t)(CPU_MAX_WORKING_SET / 1024u));
  if (kib >= 4 && (uint32_t)kib <= CPU_MAX_WORKING_SET / 1024u) blocks = (uint32_t)kib / 4u;
  int32_t units = ftb_boot_arg_int("job-units", 128);
  if (units >= 1 && units <= 1000000) units_per_job = (uint32_t)units;
  int32_t disk = ftb_boot_arg_int("disk-blocks", 0);
  if (disk >= 0 && (uint32_t)disk <= DISK_MAX_BLOCKS) disk_blocks = (uint32_t)disk;
  cpu_job_state.walk = 0x9e3779b9u;
  ftb_service_run(&service);
}
