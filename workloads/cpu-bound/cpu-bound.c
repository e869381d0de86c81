/*
 * A CPU-bound job with little I/O and a large, changing working set: the kernel-compile analogue
 * of the replication papers. Each `run` request carries out `job-units` units of work; a unit
 * picks a 4 KiB block of the working set (from the job state, so the walk covers the whole set),
 * rewrites every word of it with a hash of the word and the state, and does one odd-even sorting
 * pass over it. Many pages get dirty per job (what makes checkpointing costly), while the input
 * is a few bytes (what keeps machine-level logging cheap).
 *
 * Boot arguments: working-set-kib (64 to CPU_MAX_WORKING_SET / 1024, default all of it) and
 * job-units (1 to 1000000, default 128).
 *
 * Operations (workloads/README.md, "cpu-bound"): 1 run (no payload) → [u32 jobs done][u32
 * checksum of this job]; 2 get (no payload) → [u32 jobs done][u32 checksum of the last job].
 */
#include <ftbench/boot-args.h>
#include <ftbench/service.h>

#define OPERATION_RUN 1u
#define OPERATION_GET 2u

#define CPU_MAX_WORKING_SET (4u * 1024u * 1024u)
#define BLOCK_WORDS 1024u
#define MAX_BLOCKS (CPU_MAX_WORKING_SET / (BLOCK_WORDS * 4u))

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

static struct ftb_result run_job(uint8_t *reply) {
  uint32_t walk = cpu_job_state.walk;
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
  cpu_job_state.walk = 0x9e3779b9u;
  ftb_service_run(&service);
}
