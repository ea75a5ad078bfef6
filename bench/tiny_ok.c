/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The smallest possible event script: exit 0 (built static). */
int main(void)
{
	return 0;
}
