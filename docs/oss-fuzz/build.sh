#!/bin/bash -eu
# OSS-Fuzz's build.sh for projects/rundown/: the repository's own ClusterFuzzLite build script,
# so that both services build the targets one way.
exec "$SRC/rundown/.clusterfuzzlite/build.sh"
