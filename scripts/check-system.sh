#!/usr/bin/env bash
# Checks the system libraries that Python packages cannot ship, and says how to install them.
set -u
mode=${1:-run}
missing=0
if ! (ldconfig -p 2>/dev/null | grep -q 'libpango-1.0') ; then
  echo "NOTE: Pango is missing: PDF generation (WeasyPrint) will not work."
  echo "      Install it with: apt-get install -y libpango-1.0-0 libpangoft2-1.0-0"
  missing=1
fi
if [ "$mode" = "test" ] && [ ! -x /usr/bin/chromium ]; then
  echo "NOTE: Chromium is missing: browser tests will be skipped."
  echo "      Install it with: apt-get update && apt-get install -y chromium"
  if [ "${REQUIRE_BROWSER:-0}" = "1" ]; then
    echo "ERROR: REQUIRE_BROWSER=1 but /usr/bin/chromium is not installed." >&2
    exit 1
  fi
fi
exit 0
