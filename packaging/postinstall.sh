#!/bin/sh
# The plugins' private state directory (log positions, cached results,
# histories) belongs to the user Nagios, NRPE and Icinga 2 run plugins as,
# mode 0700: a state directory other users can write lets them make the
# plugins report OK. An administrator's own choice of owner is kept.
set -e
dir=/var/lib/msgstore-plugins
mkdir -p "$dir"
if [ "$(stat -c %u "$dir")" = 0 ] && getent passwd nagios >/dev/null 2>&1; then
	chown nagios: "$dir"
fi
chmod 0700 "$dir"
