#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Generate configure and Makefile.in from a git checkout.
set -e
cd "$(dirname "$0")"
autoreconf -fi
