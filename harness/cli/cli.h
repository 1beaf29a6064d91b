// SPDX-License-Identifier: BSD-2-Clause
#pragma once
// Argument parsing and dispatch for the `vmtest` executable; main() only calls this.
namespace vmtest {
int cli_main(int argc, char** argv);
}
