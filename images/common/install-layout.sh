#!/bin/bash
# Lays out an NSO System Install the way Cisco's images do, for both simulator
# images. Run at image build time from the copied images/common/ folder:
#   bash install-layout.sh <nso-version>
# Result:
#   /opt/ncs/ncs-<version>/   the files of images/common/ncs/
#   /opt/ncs/current          symlink to it ($NCS_DIR)
#   /etc/profile.d/ncs.sh     login shells source $NCS_DIR/ncsrc
#   /etc/ncs, /nso/run/packages, /log   NCS_CONFIG_DIR, NCS_RUN_DIR, NCS_LOG_DIR
set -euo pipefail

version="$1"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
install_dir="/opt/ncs/ncs-${version}"

mkdir -p "$install_dir"
cp -a "$here/ncs/." "$install_dir/"
printf '%s\n' "$version" >"$install_dir/VERSION"
ln -sfn "$install_dir" /opt/ncs/current

install -m 0644 "$here/profile.d/ncs.sh" /etc/profile.d/ncs.sh

mkdir -p /etc/ncs /nso/run/packages /log
chmod 0755 "$install_dir/bin"/* 2>/dev/null || true
