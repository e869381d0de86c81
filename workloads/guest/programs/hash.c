/*
 * Hashing: FNV-1a (32 and 64 bits), CRC-32 (the zlib/Ethernet polynomial, table-driven) and
 * MurmurHash3 x86_32 over generated data, after checking each against published test vectors.
 * Shifts, rotates, multiplies and byte loads; the 64-bit FNV multiplies through the M extension's
 * mulhu on rv32.
 */
#include <stdint.h>

#include <ftbench/format.h>
#include <ftbench/string.h>

#include "check.h"
#include "prng.h"

#define DATA_LENGTH 16384

static uint8_t data[DATA_LENGTH];
static uint32_t crc_table[256];

static uint32_t fnv1a32(const uint8_t *bytes, uint32_t length) {
  uint32_t hash = 0x811c9dc5u;
  for (uint32_t i = 0; i < length; i++) hash = (hash ^ bytes[i]) * 0x01000193u;
  return hash;
}

static uint64_t fnv1a64(const uint8_t *bytes, uint32_t length) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (uint32_t i = 0; i < length; i++) hash = (hash ^ bytes[i]) * 0x00000100000001b3ull;
  return hash;
}

static void crc32_init(void) {
  for (uint32_t n = 0; n < 256; n++) {
    uint32_t c = n;
    for (int k = 0; k < 8; k++) c = (c & 1u) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc_table[n] = c;
  }
}

static uint32_t crc32(const uint8_t *bytes, uint32_t length) {
  uint32_t crc = 0xffffffffu;
  for (uint32_t i = 0; i < length; i++) crc = crc_table[(crc ^ bytes[i]) & 0xffu] ^ (crc >> 8);
  return crc ^ 0xffffffffu;
}

static uint32_t rotate_left(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

static uint32_t murmur3_32(const uint8_t *bytes, uint32_t length, uint32_t seed) {
  const uint32_t c1 = 0xcc9e2d51u, c2 = 0x1b873593u;
  uint32_t h = seed;
  uint32_t blocks = length / 4;
  for (uint32_t i = 0; i < blocks; i++) {
    const uint8_t *p = bytes + 4 * i;
    uint32_t k = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    k = rotate_left(k * c1, 15) * c2;
    h = rotate_left(h ^ k, 13) * 5u + 0xe6546b64u;
  }
  const uint8_t *tail = bytes + 4 * blocks;
  uint32_t k = 0;
  switch (length & 3u) {
    case 3: k ^= (uint32_t)tail[2] << 16; /* fall through */
    case 2: k ^= (uint32_t)tail[1] << 8; /* fall through */
    case 1:
      k ^= tail[0];
      h ^= rotate_left(k * c1, 15) * c2;
  }
  h ^= length;
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

static const uint8_t *text(const char *string) { return (const uint8_t *)string; }

static void check_vectors(void) {
  check("fnv1a32 empty", fnv1a32(text(""), 0) == 0x811c9dc5u);
  check("fnv1a32 a", fnv1a32(text("a"), 1) == 0xe40c292cu);
  check("fnv1a32 foobar", fnv1a32(text("foobar"), 6) == 0xbf9cf968u);
  check("fnv1a64 a", fnv1a64(text("a"), 1) == 0xaf63dc4c8601ec8cull);
  check("fnv1a64 foobar", fnv1a64(text("foobar"), 6) == 0x85944171f73967e8ull);
  check("crc32 check value", crc32(text("123456789"), 9) == 0xcbf43926u);
  check("murmur3 empty", murmur3_32(text(""), 0, 0) == 0u);
  check("murmur3 empty seed 1", murmur3_32(text(""), 0, 1) == 0x514e28b7u);
  check("murmur3 hello", murmur3_32(text("hello"), 5, 0) == 0x248bfa47u);
}

int main(void) {
  crc32_init();
  check_vectors();
  struct prng prng = {0x9e3779b9u};
  for (uint32_t i = 0; i < DATA_LENGTH; i += 4) {
    uint32_t value = prng_next(&prng);
    memcpy(&data[i], &value, 4);
  }
  /* Every length from 0 to 7 exercises each tail case; the prefixes then the whole buffer. */
  uint32_t combined = 0;
  for (uint32_t length = 0; length <= DATA_LENGTH; length = length < 8 ? length + 1 : length * 2) {
    uint32_t f32 = fnv1a32(data, length);
    uint64_t f64 = fnv1a64(data, length);
    uint32_t c = crc32(data, length);
    uint32_t m = murmur3_32(data, length, length);
    ftb_printf("n=%5u fnv32=%08x fnv64=%016llx crc32=%08x murmur3=%08x\n", length, f32,
               (unsigned long long)f64, c, m);
    combined = rotate_left(combined, 5) ^ f32 ^ (uint32_t)(f64 >> 32) ^ c ^ m;
  }
  ftb_printf("combined=%08x\n", combined);
  return check_exit_code();
}
