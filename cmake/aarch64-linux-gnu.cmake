# SPDX-License-Identifier: BSD-2-Clause
# Toolchain file for the aarch64 build of vmtest-guest (the agent arm64 guests boot into).
# Debian's cross compiler (g++-aarch64-linux-gnu) plus multiarch arm64 libraries
# (libbpf-dev:arm64, libelf-dev:arm64, zlib1g-dev:arm64 after `dpkg --add-architecture arm64`),
# which live under /usr/lib/aarch64-linux-gnu next to the host's own.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# The cross compiler searches its own /usr/aarch64-linux-gnu/include (linux-libc-dev-arm64-cross:
# bookworm's 6.1 uapi headers) before the multiarch directories. The host's agent is built
# against linux-libc-dev from backports (newer uapi, e.g. BPF_MAP_TYPE_CGRP_STORAGE), which is
# arch: all and carries arm64's asm/ too; libc6-dev:arm64 puts glibc's arm64 parts beside it.
# Searching those first builds both agents against the same headers.
set(CMAKE_C_STANDARD_INCLUDE_DIRECTORIES /usr/include/aarch64-linux-gnu /usr/include)
set(CMAKE_CXX_STANDARD_INCLUDE_DIRECTORIES /usr/include/aarch64-linux-gnu /usr/include)
