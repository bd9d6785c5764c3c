#!/usr/bin/env bash
# Installs Debian's Chromium (/usr/bin/chromium), the browser the extension
# host, UI and bench tiers drive through playwright-core. Never a browser
# download of playwright's own: none can be fetched here.
set -euo pipefail
SETUP_NAME=setup-chromium
# shellcheck source=scripts/setup-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup-lib.sh"

if [ ! -x /usr/bin/chromium ]; then
  apt_install chromium
fi
say "$(/usr/bin/chromium --version 2>/dev/null || echo 'chromium does not start')"
