# SPDX-License-Identifier: GPL-3.0-or-later
# Interoperability: the same fixtures through our and Samba's ctdb-eventd
# and ctdb-event in all four pairs. Skipped (77) without Samba's daemon.
TESTS += tests/interop/eventd_interop.sh
dist_check_SCRIPTS += tests/interop/eventd_interop.sh
