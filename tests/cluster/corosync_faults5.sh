#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# corosync_faults.sh with five nodes: the same faults and the same
# invariant (no public address on two running nodes, each settled address
# on exactly one node that may host it).
NODES=5 exec bash "$(dirname "$0")/corosync_faults.sh" "$@"
