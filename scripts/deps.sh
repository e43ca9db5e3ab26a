#!/bin/sh
# Installs the Debian packages the tests need: the standard plugins we are
# compared against and the monitoring daemons the end-to-end tests run.
# Without root (a developer's laptop) it only says what is missing; the
# tests then skip with the package's name. Under CI every one is required.
set -eu
PKGS="monitoring-plugins-basic time nagios4-core icinga2-bin nagios-nrpe-server nagios-nrpe-plugin ${EXTRA_DEBS:-}"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "deps: not installed:$missing (tests that need them will be skipped)"
	exit 0
fi
echo "deps: apt-get install$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Daemons must not start on installation: the tests start their own. A
# policy-rc.d the machine already has (a container's, an admin's) is put
# back afterwards, not deleted.
policy=${POLICY_RC_D:-/usr/sbin/policy-rc.d} # overridden by its test only
saved=""
if [ -e "$policy" ] || [ -L "$policy" ]; then
	saved=$(mktemp "$policy.msgstore-deps.XXXXXX")
	mv -f "$policy" "$saved"
fi
restore_policy() {
	rm -f "$policy"
	if [ -n "$saved" ]; then mv -f "$saved" "$policy"; fi
}
trap restore_policy EXIT
trap 'exit 1' HUP INT TERM
printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy"
apt-get install -y -qq --no-install-recommends $missing >/dev/null
