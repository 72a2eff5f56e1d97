/*
 * ordeal's preload ahead of libfaketime for clock-jump (built by `ordeal engines install faketime`).
 *
 * A clock-jump moves a process's wall clock only: libfaketime runs with FAKETIME_DONT_FAKE_MONOTONIC=1, as an NTP
 * step leaves monotonic time alone. libfaketime 0.9.10 (Debian 12's) still rewrites the deadline of an absolute
 * clock_nanosleep on CLOCK_MONOTONIC by the wall-clock offset, and passes the kernel a negative time: the call fails
 * with EINVAL. Python 3.11's time.sleep sleeps exactly that way, so every Python process under the preload died at
 * its first sleep (libfaketime issue #426, fixed after 0.9.10).
 *
 * Preloaded before libfaketime, this clock_nanosleep sends a sleep on a clock libfaketime is told not to fake
 * straight to the kernel, and hands every other one (CLOCK_REALTIME: the faked clock) to the next definition,
 * libfaketime's.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

typedef int (*clock_nanosleep_fn)(clockid_t, int, const struct timespec *, struct timespec *);

int clock_nanosleep(clockid_t clock_id, int flags, const struct timespec *request, struct timespec *remain) {
  if (clock_id == CLOCK_MONOTONIC || clock_id == CLOCK_MONOTONIC_RAW || clock_id == CLOCK_BOOTTIME) {
    /* clock_nanosleep returns the error number itself, errno untouched (POSIX) */
    int saved = errno;
    long r = syscall(SYS_clock_nanosleep, clock_id, flags, request, remain);
    int err = r == 0 ? 0 : errno;
    errno = saved;
    return err;
  }
  static clock_nanosleep_fn next;
  if (next == NULL) next = (clock_nanosleep_fn)dlsym(RTLD_NEXT, "clock_nanosleep");
  if (next == NULL) return ENOSYS;
  return next(clock_id, flags, request, remain);
}
