#!/bin/bash
# Build-image part of the NSO installation, run at image build time after
# images/common/install-layout.sh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cp -a "$here/ncs/." "${NCS_DIR}/"
chmod 0755 "${NCS_DIR}"/bin/*
