/*
 * A test-and-test-and-set spinlock on amoswap, for guests whose harts share memory. The acquire
 * and release orderings of the AMOs (RVWMO) keep the critical section's accesses inside it.
 */
#ifndef FTBENCH_SPINLOCK_H
#define FTBENCH_SPINLOCK_H

#include <stdint.h>

struct ftb_spinlock {
  volatile uint32_t held;
};

#define FTB_SPINLOCK_INIT {0}

static inline void ftb_spinlock_acquire(struct ftb_spinlock *lock) {
  for (;;) {
    if (__atomic_exchange_n(&lock->held, 1u, __ATOMIC_ACQUIRE) == 0) return;
    /* Wait with plain loads so a waiting hart does not keep writing the lock's word. */
    while (__atomic_load_n(&lock->held, __ATOMIC_RELAXED) != 0) {
    }
  }
}

/* Returns 1 if the lock was taken, 0 if another hart holds it. */
static inline int ftb_spinlock_try_acquire(struct ftb_spinlock *lock) {
  return __atomic_exchange_n(&lock->held, 1u, __ATOMIC_ACQUIRE) == 0;
}

static inline void ftb_spinlock_release(struct ftb_spinlock *lock) {
  __atomic_store_n(&lock->held, 0u, __ATOMIC_RELEASE);
}

#endif /* FTBENCH_SPINLOCK_H */
