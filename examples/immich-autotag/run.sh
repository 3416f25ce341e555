#!/bin/sh
# Run an installed immich-autotag release, unmodified, against the replay `bench` serves for it.
#
#   usage: run.sh VENV CONFIG
#
# VENV is a virtual environment holding the release (python -m venv v0.74.5 && v0.74.5/bin/pip install
# immich-autotag==0.74.5); CONFIG one of the config-*.yaml templates beside this script. The releases take no
# command-line arguments and read $XDG_CONFIG_HOME/immich_autotag/config.yaml: the template is filled with the
# replay's port and throwaway key (IMMICH_PORT, IMMICH_API_KEY, set by bench) in the fresh working directory bench
# gives each run, which also keeps the tool's logs_local/ from leaking between runs.
set -eu
[ $# -eq 2 ] || { echo "usage: run.sh VENV CONFIG" >&2; exit 2; }
mkdir -p config/immich_autotag
sed -e "s/@PORT@/$IMMICH_PORT/" -e "s/@KEY@/$IMMICH_API_KEY/" "$2" > config/immich_autotag/config.yaml
XDG_CONFIG_HOME="$PWD/config" HOME="$PWD" exec "$1/bin/python" -m immich_autotag
