/*
 * A small bytecode interpreter: a stack machine with calls, running three programs (iterative
 * Fibonacci, recursive Fibonacci, and counting primes by trial division). An interpreter inside
 * the interpreter: indirect jumps through a switch table and a data-dependent instruction mix.
 */
#include <stdint.h>

#include <ftbench/format.h>

#include "check.h"

enum opcode {
  OP_HALT, OP_PUSH, OP_POP, OP_DUP, OP_OVER, OP_SWAP, OP_ROT,
  OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD, OP_LT, OP_EQ,
  OP_JUMP, OP_JUMP_IF_ZERO, OP_CALL, OP_RETURN, OP_LOAD, OP_STORE, OP_PRINT,
};

#define STACK_DEPTH 256
#define CALL_DEPTH 64
#define VARIABLES 8
/* Every run has a bound: a program that loops forever is a bug to report, not to wait for. */
#define STEP_LIMIT 1000000

struct machine {
  int32_t stack[STACK_DEPTH];
  int32_t calls[CALL_DEPTH];
  int32_t variables[VARIABLES];
  int depth;
  int call_depth;
  uint32_t steps;
  uint32_t printed;
};

/* Runs code from pc 0 until HALT; returns the top of the stack, or INT32_MIN on a fault. */
static int32_t execute(struct machine *m, const int32_t *code) {
  int pc = 0;
  m->depth = m->call_depth = 0;
  m->steps = m->printed = 0;
#define POP() (m->stack[--m->depth])
#define PUSH(v) (m->stack[m->depth++] = (v))
  while (m->steps++ < STEP_LIMIT) {
    if (m->depth < 0 || m->depth > STACK_DEPTH - 2 || m->call_depth < 0 || m->call_depth >= CALL_DEPTH) break;
    int32_t op = code[pc++];
    int32_t a, b, c;
    switch (op) {
      case OP_HALT: return m->depth > 0 ? m->stack[m->depth - 1] : 0;
      case OP_PUSH: PUSH(code[pc++]); break;
      case OP_POP: m->depth--; break;
      case OP_DUP: a = m->stack[m->depth - 1]; PUSH(a); break;
      case OP_OVER: a = m->stack[m->depth - 2]; PUSH(a); break;
      case OP_SWAP: b = POP(); a = POP(); PUSH(b); PUSH(a); break;
      case OP_ROT: c = POP(); b = POP(); a = POP(); PUSH(b); PUSH(c); PUSH(a); break;
      case OP_ADD: b = POP(); a = POP(); PUSH(a + b); break;
      case OP_SUB: b = POP(); a = POP(); PUSH(a - b); break;
      case OP_MUL: b = POP(); a = POP(); PUSH(a * b); break;
      case OP_DIV: b = POP(); a = POP(); if (b == 0) return INT32_MIN; PUSH(a / b); break;
      case OP_MOD: b = POP(); a = POP(); if (b == 0) return INT32_MIN; PUSH(a % b); break;
      case OP_LT: b = POP(); a = POP(); PUSH(a < b); break;
      case OP_EQ: b = POP(); a = POP(); PUSH(a == b); break;
      case OP_JUMP: pc = code[pc]; break;
      case OP_JUMP_IF_ZERO: a = POP(); pc = a == 0 ? code[pc] : pc + 1; break;
      case OP_CALL: m->calls[m->call_depth++] = pc + 1; pc = code[pc]; break;
      case OP_RETURN: pc = m->calls[--m->call_depth]; break;
      case OP_LOAD: PUSH(m->variables[code[pc++] & (VARIABLES - 1)]); break;
      case OP_STORE: m->variables[code[pc++] & (VARIABLES - 1)] = POP(); break;
      case OP_PRINT: m->printed++; ftb_printf(" %d", POP()); break;
      default: return INT32_MIN;
    }
  }
#undef POP
#undef PUSH
  ftb_printf("\nfault: pc=%d depth=%d calls=%d steps=%u\n", pc, m->depth, m->call_depth, m->steps);
  return INT32_MIN;
}

/* Prints fib(0) .. fib(n-1) iteratively; leaves fib(n) on the stack. Variables: 0 = i, 1 = n. */
static const int32_t fibonacci_iterative[] = {
    OP_PUSH, 25, OP_STORE, 1, OP_PUSH, 0, OP_STORE, 0, OP_PUSH, 0, OP_PUSH, 1,
    /* 12: loop while i < n, stack: a b */
    OP_LOAD, 0, OP_LOAD, 1, OP_LT, OP_JUMP_IF_ZERO, 33,
    OP_OVER, OP_PRINT, OP_SWAP, OP_OVER, OP_ADD,
    OP_LOAD, 0, OP_PUSH, 1, OP_ADD, OP_STORE, 0, OP_JUMP, 12,
    /* 33: stack a b with a = fib(n) */
    OP_POP, OP_HALT,
};

/* fib(n) = n < 2 ? n : fib(n-1) + fib(n-2), through CALL/RETURN, for n = 16. */
static const int32_t fibonacci_recursive[] = {
    OP_PUSH, 16, OP_CALL, 5, OP_HALT,
    /* 5: fib, argument on the stack */
    OP_DUP, OP_PUSH, 2, OP_LT, OP_JUMP_IF_ZERO, 12, OP_RETURN,
    /* 12: n >= 2 */
    OP_DUP, OP_PUSH, 1, OP_SUB, OP_CALL, 5,
    OP_SWAP, OP_PUSH, 2, OP_SUB, OP_CALL, 5,
    OP_ADD, OP_RETURN,
};

/*
 * Counts the primes below 1500 by trial division. Variables: 0 = candidate, 1 = divisor,
 * 2 = count, 3 = limit.
 */
static const int32_t count_primes[] = {
    OP_PUSH, 1500, OP_STORE, 3, OP_PUSH, 0, OP_STORE, 2, OP_PUSH, 2, OP_STORE, 0,
    /* 12: outer loop: while candidate < limit */
    OP_LOAD, 0, OP_LOAD, 3, OP_LT, OP_JUMP_IF_ZERO, 67,
    OP_PUSH, 2, OP_STORE, 1,
    /* 23: inner loop: while divisor * divisor <= candidate, i.e. !(candidate < d*d) */
    OP_LOAD, 0, OP_LOAD, 1, OP_DUP, OP_MUL, OP_LT, OP_PUSH, 0, OP_EQ, OP_JUMP_IF_ZERO, 51,
    OP_LOAD, 0, OP_LOAD, 1, OP_MOD, OP_JUMP_IF_ZERO, 58,
    OP_LOAD, 1, OP_PUSH, 1, OP_ADD, OP_STORE, 1, OP_JUMP, 23,
    /* 51: no divisor found: a prime */
    OP_LOAD, 2, OP_PUSH, 1, OP_ADD, OP_STORE, 2,
    /* 58: next candidate */
    OP_LOAD, 0, OP_PUSH, 1, OP_ADD, OP_STORE, 0, OP_JUMP, 12,
    /* 67: done */
    OP_LOAD, 2, OP_HALT,
};

int main(void) {
  static struct machine machine;
  ftb_printf("fibonacci, iterative:");
  int32_t fib25 = execute(&machine, fibonacci_iterative);
  ftb_printf("\nfib(25)=%d printed=%u steps=%u\n", fib25, machine.printed, machine.steps);
  check("iterative fib(25)", fib25 == 75025);
  check("iterative printed 25 numbers", machine.printed == 25);

  int32_t fib16 = execute(&machine, fibonacci_recursive);
  ftb_printf("fibonacci, recursive: fib(16)=%d steps=%u\n", fib16, machine.steps);
  check("recursive fib(16)", fib16 == 987);

  int32_t primes = execute(&machine, count_primes);
  ftb_printf("primes below 1500: %d steps=%u\n", primes, machine.steps);
  check("primes below 1500", primes == 239);
  return check_exit_code();
}
