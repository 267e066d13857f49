#!/bin/sh
# version.sh - print argomig's version, the Makefile's VERSION.
#
# For test scripts: reading the file, not running `make print-version`,
# keeps a parent make's flags (-j, directory messages) out of the answer.
sed -n 's/^VERSION *:= *//p' "$(dirname "$0")/../Makefile"
