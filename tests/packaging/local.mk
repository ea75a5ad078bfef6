# SPDX-License-Identifier: GPL-3.0-or-later
# Packaging: the Debian packaging and its test, shipped in the release
# tarball so that a tarball builds packages as a clone does.
#
# deb.sh is not in TESTS: it builds the whole tree again with
# dpkg-buildpackage. tests/check-all.sh runs it as its own stage
# (stage_packages), and `make check TESTS=tests/packaging/deb.sh` runs it
# alone.

EXTRA_DIST += \
	debian/changelog \
	debian/control \
	debian/copyright \
	debian/rules \
	debian/source/format \
	debian/config/ctdb.conf \
	debian/config/ctdb.tunables \
	debian/config/public_addresses \
	debian/config/default/ctdb-noded \
	debian/examples/samba-eventd.conf \
	debian/ctdb-events.README.Debian \
	debian/ctdb-events.dirs \
	debian/ctdb-events.docs \
	debian/ctdb-events.examples \
	debian/ctdb-events.install \
	debian/ctdb-events.links \
	debian/ctdb-events.lintian-overrides \
	debian/ctdb-events.postrm \
	debian/ctdb-events-eventd.README.Debian \
	debian/ctdb-events-eventd.examples \
	debian/ctdb-events-eventd.install \
	tests/packaging/deb.sh
