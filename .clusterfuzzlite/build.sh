#!/bin/bash -eu
# Builds the fuzz targets into $OUT for ClusterFuzzLite and OSS-Fuzz (docs/fuzzing.md,
# "ClusterFuzzLite and OSS-Fuzz"). Runs in the builder image from the checkout (its WORKDIR),
# with SANITIZER, OUT and the rest set by the image; ci/clusterfuzzlite-local runs it the same
# way without Docker.
#
# precompile_swift is the image's: it exports SWIFTFLAGS, the Swift flags for $SANITIZER.
# Everything else, the target list, the build, the seed corpus zips, dictionaries and options
# files, is the front-end's (ci/fuzz oss-fuzz-build), so it is defined once, in Swift.
. precompile_swift
ci/fuzz oss-fuzz-build --out "$OUT"
