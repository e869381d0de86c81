/*
 * The 64-bit integer helpers that clang calls on rv32 (the libgcc names and semantics), since
 * guests link no libgcc or compiler-rt. With the M extension clang multiplies inline and shifts
 * inline, but divides through __udivdi3 and friends; the others are here for code built without
 * M or at -O0.
 *
 * Division by zero is undefined in C; these return what the RISC-V divide instructions return
 * for 32 bits (quotient all ones, remainder = dividend), so a guest's bug shows the same result
 * on every machine. Every operation here uses only 32-bit division, shifts and adds, so nothing
 * calls back into these helpers.
 */
#include <stdint.h>

typedef union {
  uint64_t whole;
  struct {
    uint32_t low;
    uint32_t high;
  } half;
} split64;

static unsigned leading_zeros64(uint64_t value) {
  unsigned count = 0;
  for (unsigned step = 32; step > 0; step >>= 1) {
    if ((value >> (64 - step)) == 0) {
      count += step;
      value <<= step;
    }
  }
  return count;
}

uint64_t __udivmoddi4(uint64_t dividend, uint64_t divisor, uint64_t *remainder) {
  uint64_t quotient = 0;
  if (divisor == 0) {
    quotient = ~(uint64_t)0;
  } else if ((dividend >> 32) == 0 && (divisor >> 32) == 0) {
    quotient = (uint32_t)dividend / (uint32_t)divisor;
    dividend = (uint32_t)dividend % (uint32_t)divisor;
  } else if (divisor <= dividend) {
    /* Shift-and-subtract long division, one quotient bit per step from the aligned divisor. */
    unsigned shift = leading_zeros64(divisor) - leading_zeros64(dividend);
    divisor <<= shift;
    for (unsigned step = 0; step <= shift; step++) {
      quotient <<= 1;
      if (dividend >= divisor) {
        dividend -= divisor;
        quotient |= 1;
      }
      divisor >>= 1;
    }
  }
  if (remainder) *remainder = dividend;
  return quotient;
}

uint64_t __udivdi3(uint64_t dividend, uint64_t divisor) { return __udivmoddi4(dividend, divisor, 0); }

uint64_t __umoddi3(uint64_t dividend, uint64_t divisor) {
  uint64_t remainder;
  __udivmoddi4(dividend, divisor, &remainder);
  return remainder;
}

static uint64_t magnitude(int64_t value) { return value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value; }

/* Signed division truncates toward zero; the remainder takes the dividend's sign. INT64_MIN / -1
 * wraps to INT64_MIN with remainder 0, like the hardware's 32-bit overflow case. */
int64_t __divmoddi4(int64_t dividend, int64_t divisor, int64_t *remainder) {
  uint64_t unsigned_remainder;
  uint64_t quotient = __udivmoddi4(magnitude(dividend), magnitude(divisor), &unsigned_remainder);
  if (divisor == 0) {
    if (remainder) *remainder = dividend;
    return -1;
  }
  if ((dividend < 0) != (divisor < 0)) quotient = (uint64_t)0 - quotient;
  if (dividend < 0) unsigned_remainder = (uint64_t)0 - unsigned_remainder;
  if (remainder) *remainder = (int64_t)unsigned_remainder;
  return (int64_t)quotient;
}

int64_t __divdi3(int64_t dividend, int64_t divisor) { return __divmoddi4(dividend, divisor, 0); }

int64_t __moddi3(int64_t dividend, int64_t divisor) {
  int64_t remainder;
  __divmoddi4(dividend, divisor, &remainder);
  return remainder;
}

/* 32 x 32 -> 64 from 16-bit halves, so that it needs no multiply-high instruction. */
static uint64_t multiply32(uint32_t left, uint32_t right) {
  uint32_t left_low = left & 0xffffu, left_high = left >> 16;
  uint32_t right_low = right & 0xffffu, right_high = right >> 16;
  uint32_t low_low = left_low * right_low;
  uint32_t cross_one = left_high * right_low;
  uint32_t cross_two = left_low * right_high;
  uint32_t high_high = left_high * right_high;
  uint32_t middle = (low_low >> 16) + (cross_one & 0xffffu) + (cross_two & 0xffffu);
  split64 product;
  product.half.low = (middle << 16) | (low_low & 0xffffu);
  product.half.high = high_high + (cross_one >> 16) + (cross_two >> 16) + (middle >> 16);
  return product.whole;
}

int64_t __muldi3(int64_t left, int64_t right) {
  split64 a = {(uint64_t)left}, b = {(uint64_t)right};
  split64 product = {multiply32(a.half.low, b.half.low)};
  /* The high halves only reach the high word; their own carries fall off the end. */
  product.half.high += a.half.low * b.half.high + a.half.high * b.half.low;
  return (int64_t)product.whole;
}

/* Shifts by 0..63, as C allows; the 32-bit shifts below never see a count of 32 or more. */
int64_t __ashldi3(int64_t value, int shift) {
  split64 in = {(uint64_t)value}, out;
  if (shift == 0) return value;
  if (shift >= 32) {
    out.half.low = 0;
    out.half.high = in.half.low << (shift - 32);
  } else {
    out.half.low = in.half.low << shift;
    out.half.high = (in.half.high << shift) | (in.half.low >> (32 - shift));
  }
  return (int64_t)out.whole;
}

uint64_t __lshrdi3(uint64_t value, int shift) {
  split64 in = {value}, out;
  if (shift == 0) return value;
  if (shift >= 32) {
    out.half.high = 0;
    out.half.low = in.half.high >> (shift - 32);
  } else {
    out.half.high = in.half.high >> shift;
    out.half.low = (in.half.low >> shift) | (in.half.high << (32 - shift));
  }
  return out.whole;
}

int64_t __ashrdi3(int64_t value, int shift) {
  split64 in = {(uint64_t)value}, out;
  if (shift == 0) return value;
  int32_t high = (int32_t)in.half.high;
  if (shift >= 32) {
    out.half.high = (uint32_t)(high >> 31);
    out.half.low = (uint32_t)(high >> (shift - 32));
  } else {
    out.half.high = (uint32_t)(high >> shift);
    out.half.low = (in.half.low >> shift) | (in.half.high << (32 - shift));
  }
  return (int64_t)out.whole;
}
