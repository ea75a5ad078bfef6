# SPDX-License-Identifier: GPL-3.0-or-later
# Cluster tests: our ctdb-eventd as the event daemon of three real Samba
# ctdbd (Debian's ctdb package; skipped, 77, without it). Tier 1 on
# loopback; tier 2 in network namespaces with real addresses, a client and
# our 10.interface script (root only, else skipped). Each runs its scenario
# once with our event daemon and once with Samba's, and prints both sets of
# times; the two tests take turns through a lock in the build tree.
CLUSTER_TESTS = \
	tests/cluster/ctdbd_loopback.sh \
	tests/cluster/ctdbd_netns.sh \
	tests/cluster/corosync_lab.sh \
	tests/cluster/corosync_noded.sh \
	tests/cluster/corosync_faults.sh \
	tests/cluster/corosync_faults5.sh

TESTS += $(CLUSTER_TESTS)
# corosync_faults.sh and corosync_faults5.sh: every fault of issue 11 on
# 3 and 5 nodes, the invariant checked ~10 times a second (root only,
# else skipped).
# stock_scripts.sh (Samba's own 00.ctdb, 05.system, 10.interface,
# 11.routing and 13.per_ip_routing under ctdb-noded) is shipped but not in
# TESTS yet: 00.ctdb needs a ctdb-config helper, which we do not have yet
# (issue 12), so it would skip. Run it by hand with STOCK_HELPER_BINDIR
# pointing at a directory holding Samba's ctdb-config and our ctdb_killtcp.
dist_check_SCRIPTS += $(CLUSTER_TESTS) \
	tests/cluster/stock_scripts.sh \
	tests/cluster/clustertest.script \
	tests/cluster/tcp_probe.py \
	tests/cluster/addr_checker.py
dist_check_DATA += tests/cluster/cluster_lib.sh \
	tests/cluster/corosync_tier.sh
CLEANFILES += tests/cluster/cluster-test.lock

# The node scripts they install come from the build tree.
tests/cluster/ctdbd_loopback.log: events.d/00.node.script
tests/cluster/ctdbd_netns.log: events.d/00.node.script \
	events.d/10.interface.script
tests/cluster/corosync_faults.log: events.d/10.interface.script
tests/cluster/corosync_faults5.log: events.d/10.interface.script
