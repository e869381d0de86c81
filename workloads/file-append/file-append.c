/*
 * An append-only file of records on the block disk. Every append writes the record's sectors and
 * then the superblock (sector 0: record count and byte length) before it answers, and a read
 * fetches the records from the disk, so each operation does real disk I/O through the driver and
 * its completion interrupts; the disk is on shared storage, so both are outputs a replicating
 * strategy must order (a disk write is an output too).
 *
 * Disk layout: sector 0 is the superblock; the log starts at sector 1 and holds the records back
 * to back, each as [u16 length][bytes]. Memory keeps the byte offset of every FILE_INDEX_STRIDE-th
 * record, so a read of a range scans at most that many records before it. Bounds: a record is at
 * most FILE_MAX_RECORD bytes; the file grows until the disk or the index is full (then appends
 * answer status 4); a read answers what fits in one reply (status 4 if the records asked for do
 * not fit).
 *
 * Operations (workloads/README.md, "file-append"): 1 append (payload: the record) → u32 index of
 * the record; 2 read, payload empty (the whole file) or [u32 from][u16 count] (records from index
 * `from`, at most `count`, at most FILE_MAX_READ_COUNT) → [u16 n][u16 length, bytes]*. A disk error
 * answers status 5, FTB_STATUS_IO_ERROR (the operation took no effect).
 */
#include <ftbench/disk.h>
#include <ftbench/service.h>
#include <ftbench/string.h>

#define OPERATION_APPEND 1u
#define OPERATION_READ 2u

#define FILE_MAX_RECORD 256u
#define FILE_MAGIC 0x50504146u /* "FAPP" */
#define DATA_START_SECTOR 1u
#define SECTOR FTB_DISK_SECTOR_SIZE
/* A read's records fit one reply after a 2-byte count. */
#define READ_MAX_BYTES (FTB_MAX_PAYLOAD - 2u)
/* The index holds the offset of every FILE_INDEX_STRIDE-th record: FILE_INDEX_ENTRIES of them. */
#define FILE_INDEX_STRIDE 64u
#define FILE_INDEX_ENTRIES 4096u
#define FILE_MAX_RECORDS (FILE_INDEX_STRIDE * FILE_INDEX_ENTRIES)
#define FILE_MAX_READ_COUNT 64u
/* A ranged read scans up to a stride of records before the first one asked for, then the ones asked
 * for: one disk request of at most this many sectors (the driver's bound is 128). */
#define SCAN_MAX_BYTES ((FILE_INDEX_STRIDE + FILE_MAX_READ_COUNT) * (2u + FILE_MAX_RECORD))
#define SCAN_MAX_SECTORS ((SCAN_MAX_BYTES + SECTOR - 1u) / SECTOR + 1u)

/* The application state: what the superblock says, the log's last, partly filled sector, and the
 * offsets of every FILE_INDEX_STRIDE-th record. */
struct file_state {
  uint32_t records;
  uint32_t bytes;
  uint32_t capacity_sectors;
  uint8_t tail[SECTOR];
  uint32_t index[FILE_INDEX_ENTRIES];
};

struct file_state file_state;

/* A record spans at most two sectors: 2 + FILE_MAX_RECORD < one sector. */
static uint8_t write_buffer[2 * SECTOR] __attribute__((aligned(8)));
static uint8_t superblock[SECTOR] __attribute__((aligned(8)));
static uint8_t read_buffer[SCAN_MAX_SECTORS * SECTOR] __attribute__((aligned(8)));

_Static_assert(2u + FILE_MAX_RECORD <= SECTOR, "a record spans at most two sectors");
_Static_assert(SCAN_MAX_SECTORS <= FTB_DISK_MAX_SECTORS_PER_REQUEST, "a ranged read is one disk request");
_Static_assert(READ_MAX_BYTES <= SCAN_MAX_SECTORS * SECTOR, "a whole-file read fits the read buffer");

static uint32_t superblock_check(uint32_t records, uint32_t bytes) { return ~(FILE_MAGIC + records * 2654435761u + bytes * 40503u); }

static int write_superblock(uint32_t records, uint32_t bytes) {
  memset(superblock, 0, sizeof superblock);
  ftb_store_u32(superblock, FILE_MAGIC);
  ftb_store_u32(superblock + 4, records);
  ftb_store_u32(superblock + 8, bytes);
  ftb_store_u32(superblock + 12, superblock_check(records, bytes));
  return ftb_disk_write(0, 1, superblock);
}

/* Sectors the log may use. */
static uint32_t log_capacity_bytes(void) {
  return file_state.capacity_sectors > DATA_START_SECTOR ? (file_state.capacity_sectors - DATA_START_SECTOR) * SECTOR : 0u;
}

static struct ftb_result append(const uint8_t *record, uint32_t length, uint8_t *reply) {
  if (length > FILE_MAX_RECORD) return ftb_error(FTB_STATUS_BAD_ARGUMENT, "record longer than 256 bytes", reply);
  uint32_t start = file_state.bytes;
  uint32_t end = start + 2u + length;
  if (end > log_capacity_bytes()) return ftb_error(FTB_STATUS_TOO_LARGE, "disk full", reply);
  if (file_state.records >= FILE_MAX_RECORDS) return ftb_error(FTB_STATUS_TOO_LARGE, "file index full", reply);
  uint32_t first_sector = start / SECTOR;
  uint32_t last_sector = (end - 1u) / SECTOR;
  uint32_t offset = start % SECTOR;
  memcpy(write_buffer, file_state.tail, SECTOR);
  memset(write_buffer + SECTOR, 0, SECTOR);
  ftb_store_u16(write_buffer + offset, length);
  memcpy(write_buffer + offset + 2u, record, length);
  /* Data first, then the superblock that makes it part of the file: a crash in between leaves the
   * old length on disk, and the record is simply not there. */
  if (ftb_disk_write(DATA_START_SECTOR + first_sector, last_sector - first_sector + 1u, write_buffer) != 0 ||
      write_superblock(file_state.records + 1u, end) != 0) {
    return ftb_error(FTB_STATUS_IO_ERROR, "disk error", reply);
  }
  uint32_t index = file_state.records;
  if (index % FILE_INDEX_STRIDE == 0) file_state.index[index / FILE_INDEX_STRIDE] = start;
  file_state.records++;
  file_state.bytes = end;
  /* The new tail is the sector that holds byte `end`: the last one written, or a fresh empty one. */
  if (end / SECTOR == last_sector) {
    memcpy(file_state.tail, write_buffer + (last_sector - first_sector) * SECTOR, SECTOR);
  } else {
    memset(file_state.tail, 0, SECTOR);
  }
  ftb_store_u32(reply, index);
  return ftb_ok(4);
}

static struct ftb_result read_whole_file(uint8_t *reply) {
  if (file_state.bytes > READ_MAX_BYTES) return ftb_error(FTB_STATUS_TOO_LARGE, "file too large to read in one reply", reply);
  uint32_t sectors = (file_state.bytes + SECTOR - 1u) / SECTOR;
  if (sectors > 0 && ftb_disk_read(DATA_START_SECTOR, sectors, read_buffer) != 0) return ftb_error(FTB_STATUS_IO_ERROR, "disk error", reply);
  ftb_store_u16(reply, file_state.records);
  memcpy(reply + 2, read_buffer, file_state.bytes);
  return ftb_ok(2u + file_state.bytes);
}

/* Records [from, from + count) that exist, from the indexed record at or before `from`. */
static struct ftb_result read_range(uint32_t from, uint32_t count, uint8_t *reply) {
  if (count > FILE_MAX_READ_COUNT) return ftb_error(FTB_STATUS_BAD_ARGUMENT, "read count above 64", reply);
  uint32_t available = from < file_state.records ? file_state.records - from : 0u;
  uint32_t wanted = count < available ? count : available;
  ftb_store_u16(reply, wanted);
  if (wanted == 0) return ftb_ok(2);
  uint32_t start = file_state.index[from / FILE_INDEX_STRIDE];
  uint32_t first_sector = start / SECTOR;
  uint32_t end = file_state.bytes < start + SCAN_MAX_BYTES ? file_state.bytes : start + SCAN_MAX_BYTES;
  uint32_t sectors = (end + SECTOR - 1u) / SECTOR - first_sector;
  if (ftb_disk_read(DATA_START_SECTOR + first_sector, sectors, read_buffer) != 0) return ftb_error(FTB_STATUS_IO_ERROR, "disk error", reply);
  uint32_t buffered = sectors * SECTOR;
  uint32_t at = start % SECTOR;
  for (uint32_t record = from - from % FILE_INDEX_STRIDE; record < from; record++) {
    if (at + 2u > buffered) return ftb_error(FTB_STATUS_IO_ERROR, "file index points past the data read", reply);
    at += 2u + ftb_load_u16(read_buffer + at);
  }
  uint32_t out = 2u;
  for (uint32_t taken = 0; taken < wanted; taken++) {
    uint32_t size = at + 2u <= buffered ? 2u + ftb_load_u16(read_buffer + at) : buffered;
    if (at + size > buffered) return ftb_error(FTB_STATUS_IO_ERROR, "record runs past the data read", reply);
    if (out + size > FTB_MAX_PAYLOAD) return ftb_error(FTB_STATUS_TOO_LARGE, "records do not fit one reply", reply);
    memcpy(reply + out, read_buffer + at, size);
    out += size;
    at += size;
  }
  return ftb_ok(out);
}

static struct ftb_result read_file(const uint8_t *payload, uint32_t length, uint8_t *reply) {
  if (length == 0) return read_whole_file(reply);
  if (length != 6u) return ftb_error(FTB_STATUS_BAD_ARGUMENT, "read payload is empty or [u32 from][u16 count]", reply);
  return read_range(ftb_load_u32(payload), ftb_load_u16(payload + 4), reply);
}

static struct ftb_result execute(uint32_t operation, const uint8_t *payload, uint32_t length, uint8_t *reply) {
  switch (operation) {
    case OPERATION_APPEND: return append(payload, length, reply);
    case OPERATION_READ: return read_file(payload, length, reply);
    default: return ftb_error(FTB_STATUS_UNKNOWN_OPERATION, "unknown operation", reply);
  }
}

/*
 * Rebuilds the in-memory index of a file found on disk by walking its records, a window of sectors
 * at a time. Returns 0, or -1 if the records do not add up to the superblock's length.
 */
static int rebuild_index(void) {
  uint32_t offset = 0;
  uint32_t window_start = 0; /* byte offset of read_buffer[0] */
  uint32_t window_bytes = 0;
  for (uint32_t record = 0; record < file_state.records; record++) {
    if (record >= FILE_MAX_RECORDS) return -1;
    if (record % FILE_INDEX_STRIDE == 0) file_state.index[record / FILE_INDEX_STRIDE] = offset;
    /* A record is at most 2 + FILE_MAX_RECORD bytes: make sure the window holds all of it. */
    if (offset + 2u + FILE_MAX_RECORD > window_start + window_bytes && window_start + window_bytes < file_state.bytes) {
      window_start = offset - offset % SECTOR;
      uint32_t end = file_state.bytes < window_start + SCAN_MAX_SECTORS * SECTOR ? file_state.bytes : window_start + SCAN_MAX_SECTORS * SECTOR;
      uint32_t sectors = (end - window_start + SECTOR - 1u) / SECTOR;
      if (ftb_disk_read(DATA_START_SECTOR + window_start / SECTOR, sectors, read_buffer) != 0) return -1;
      window_bytes = sectors * SECTOR;
    }
    if (offset + 2u > window_start + window_bytes) return -1;
    offset += 2u + ftb_load_u16(read_buffer + (offset - window_start));
  }
  return offset == file_state.bytes ? 0 : -1;
}

/* Opens the file the disk holds, or makes an empty one if the superblock is not valid. */
static void open_file(void) {
  file_state.capacity_sectors = ftb_disk_capacity();
  if (file_state.capacity_sectors == 0) return;
  if (ftb_disk_read(0, 1, superblock) == 0 && ftb_load_u32(superblock) == FILE_MAGIC) {
    uint32_t records = ftb_load_u32(superblock + 4);
    uint32_t bytes = ftb_load_u32(superblock + 8);
    /* A log that ends on a sector boundary has an empty tail (and its sector may be past the disk). */
    memset(file_state.tail, 0, SECTOR);
    if (ftb_load_u32(superblock + 12) == superblock_check(records, bytes) && bytes <= log_capacity_bytes() &&
        (bytes % SECTOR == 0 || ftb_disk_read(DATA_START_SECTOR + bytes / SECTOR, 1, file_state.tail) == 0)) {
      file_state.records = records;
      file_state.bytes = bytes;
      if (rebuild_index() == 0) return;
    }
  }
  file_state.records = 0;
  file_state.bytes = 0;
  memset(file_state.tail, 0, SECTOR);
  write_superblock(0, 0);
}

static const struct ftb_service service = {execute, 0};

int main(void) {
  open_file();
  ftb_service_run(&service);
}
