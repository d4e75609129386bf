#!/bin/sh
# The Debian packages `make run` (run) and `make test` (test: run's and the browser's) need, checked before
# anything starts. As root they are installed; otherwise this stops with the one command that installs them.
# README "Set-up" lists the same packages.
set -eu
purpose=${1:-run}
python=${PYTHON:-python3}
missing=""

need() {  # need CHECK PACKAGE...: the packages, when the shell check fails
    check=$1
    shift
    sh -c "$check" >/dev/null 2>&1 || missing="$missing $*"
}

need "$python -c 'import venv, ensurepip'" python3-venv
need "command -v npm && command -v node" nodejs npm
need "command -v msgfmt" gettext
if [ "$purpose" = test ]; then
    need "test -x /usr/bin/chromium" chromium  # the browser tests drive Debian's Chromium
    need "fc-list :lang=zh | grep -q ." fonts-wqy-microhei  # Chinese text in their screenshots
fi

[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian packages:$missing"
    apt-get update -qq
    # shellcheck disable=SC2086 # one word a package
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
    echo "Missing Debian packages. Install them first: sudo apt-get install -y$missing" >&2
    exit 1
fi
