// SPDX-License-Identifier: BSD-2-Clause
// A guest /init that never finishes: the e2e layer boots it on a real kernel to prove the
// VM timeout kills the guest and the other kernels' results survive.
#include <unistd.h>
int main(void) {
  for (;;) pause();
}
