#!/bin/sh
# Prints the release version of the tree in the current directory, for -V
# and the packages (the Makefile's VERSION):
#   1.2.3                  on a commit tagged v1.2.3 (git describe --tags)
#   1.2.3-4-gabc1234       four commits after it
#   0.0.0-dev+abc1234      before the first release tag
#   0.0.0-dev              outside git (a source tarball)
# Uncommitted changes add -dirty (.dirty before the first tag).
set -eu
if d=$(git describe --tags --match 'v[0-9]*' --dirty 2>/dev/null); then
	echo "${d#v}"
elif h=$(git rev-parse --short HEAD 2>/dev/null); then
	dirty=""
	git diff --quiet HEAD -- 2>/dev/null || dirty=".dirty"
	echo "0.0.0-dev+$h$dirty"
else
	echo "0.0.0-dev"
fi
