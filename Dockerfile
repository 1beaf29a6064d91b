# SPDX-License-Identifier: BSD-2-Clause
# vmtest's container image: Debian 12 with qemu and the release tarball, nothing else of ours.
# Built by .github/workflows/release.yml from the context scripts/release/build.sh writes
# (OUT/image: this file and vmtest.tar.gz) and pushed as ghcr.io/<owner>/vmtest:<version>.
#   docker run --rm -v "$PWD:$PWD" -w "$PWD" [--device /dev/kvm] ghcr.io/<owner>/vmtest:0.2.0 run
FROM debian:12-slim
# qemu boots the kernels; apt and the archive keyring (already in the base) fetch Debian kernel
# rows; CA certificates serve the https sources.
RUN apt-get update \
 && apt-get install -y --no-install-recommends qemu-system-x86 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# A local tar is unpacked by ADD: /opt/vmtest-<version>-x86_64-linux.
ADD vmtest.tar.gz /opt/
RUN ln -s /opt/vmtest-*-x86_64-linux /opt/vmtest \
 && ln -s /opt/vmtest/bin/vmtest /usr/local/bin/vmtest \
 && vmtest --version
ENTRYPOINT ["vmtest"]
CMD ["--help"]
