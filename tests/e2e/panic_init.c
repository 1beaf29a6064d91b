// SPDX-License-Identifier: BSD-2-Clause
// A guest /init that exits at once. The kernel then panics ("Attempted to kill init!"), which
// the e2e layer uses to check real panic detection and the console tail in the results.
int main(void) { return 3; }
