#!/bin/bash
# Production-image part of the NSO installation, run at image build time after
# images/common/install-layout.sh: the simulated daemon and tools, the
# entrypoint and the default ncs.conf.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

cp -a "$here/ncs/." "${NCS_DIR}/"
chmod 0755 "${NCS_DIR}"/bin/*
python3 -m compileall -q "${NCS_DIR}/lib/ncs_sim"

install -m 0755 "$here/run-nso.sh" /run-nso.sh
install -d /defaults
install -m 0644 "$here/defaults/ncs.conf" /defaults/ncs.conf

# /etc/ncs holds no ncs.conf: it would win over /nso/etc/ncs.conf.
rm -f /etc/ncs/ncs.conf
mkdir -p /etc/ncs/pre-ncs-start.d /etc/ncs/post-ncs-start.d /nso/etc /nso/ssl/cert \
  /nso/run/cdb /nso/run/state /nso/run/packages /nso/run/backups /log
