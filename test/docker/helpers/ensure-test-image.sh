#!/usr/bin/env bash
# Builds the tiny shell image the Docker-tier tests run their containers from,
# without any registry: Debian's statically linked busybox, imported as a root
# file system. Idempotent (skips when the image exists) and safe to run from
# several test processes at once. Prints the image reference on stdout.
#
# The package is downloaded and unpacked into a temporary folder rather than
# installed, so the machine's own packages stay as they were.
set -euo pipefail

image="${NSOWB_TEST_IMAGE:-nsowb-dockertest-busybox:1}"

if docker image inspect "$image" >/dev/null 2>&1; then
  echo "$image"
  exit 0
fi

exec 9>"/tmp/nsowb-dockertest-busybox.lock"
flock 9
if docker image inspect "$image" >/dev/null 2>&1; then
  echo "$image"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# apt-get download needs the package lists; refresh them only when the first
# attempt finds nothing.
cd "$work"
if ! apt-get download busybox-static >/dev/null 2>&1; then
  apt-get update >/dev/null
  apt-get download busybox-static >/dev/null
fi
dpkg-deb -x busybox-static_*.deb pkg

rootfs="$work/rootfs"
mkdir -p "$rootfs/bin" "$rootfs/etc" "$rootfs/tmp" "$rootfs/proc" "$rootfs/sys" \
  "$rootfs/dev" "$rootfs/root" "$rootfs/home/nobody"
chmod 1777 "$rootfs/tmp"
cp pkg/bin/busybox "$rootfs/bin/busybox"
for applet in $("$rootfs/bin/busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home/nobody:/bin/sh\n' \
  >"$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
chown 65534:65534 "$rootfs/home/nobody"

tar -C "$rootfs" -c . | docker import \
  --change 'ENV PATH=/bin' \
  --change 'CMD ["/bin/sh"]' \
  --change 'LABEL org.nsowb.test=busybox' \
  - "$image" >/dev/null
echo "$image"
