/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Intrusive doubly-linked lists: one set of macros instead of hand unlinking. */
#ifndef CTDB_COMMON_DLIST_H
#define CTDB_COMMON_DLIST_H

#include <stddef.h>

/*
 * An element is any struct with `prev` and `next` pointers to its own
 * type; a list is a pointer to its first element (NULL when empty).
 * The last element's next is NULL, and the first element's prev points at
 * the last element, so appending needs no tail pointer and no walk. Only
 * the macros below touch the links; code walks a list with
 * `for (e = head; e != NULL; e = e->next)`, and an element is unlinked
 * with DLIST_REMOVE whatever its position.
 *
 * Arguments are evaluated more than once: pass plain lvalues.
 */

/* The last element, or NULL for an empty list. */
#define DLIST_TAIL(head) ((head) == NULL ? NULL : (head)->prev)

/*
 * The _LINKS variants name the two link fields, for an element that is
 * on two lists at once (e.g. dirty_prev/dirty_next beside prev/next).
 */

/* Put elem first. */
#define DLIST_ADD_LINKS(head, elem, prev, next)                          \
	do {                                                              \
		if ((head) == NULL) {                                     \
			(elem)->prev = (elem);                            \
			(elem)->next = NULL;                              \
		} else {                                                  \
			(elem)->prev = (head)->prev;                      \
			(elem)->next = (head);                            \
			(head)->prev = (elem);                            \
		}                                                         \
		(head) = (elem);                                          \
	} while (0)

/* Put elem last. */
#define DLIST_ADD_END_LINKS(head, elem, prev, next)                      \
	do {                                                              \
		if ((head) == NULL) {                                     \
			DLIST_ADD_LINKS(head, elem, prev, next);          \
		} else {                                                  \
			(elem)->prev = (head)->prev;                      \
			(elem)->next = NULL;                              \
			(head)->prev->next = (elem);                      \
			(head)->prev = (elem);                            \
		}                                                         \
	} while (0)

/* Unlink elem, which must be in the list; its links are cleared. */
#define DLIST_REMOVE_LINKS(head, elem, prev, next)                       \
	do {                                                              \
		if ((elem) == (head)) {                                   \
			(head) = (elem)->next;                            \
			if ((head) != NULL) {                             \
				(head)->prev = (elem)->prev;              \
			}                                                 \
		} else {                                                  \
			(elem)->prev->next = (elem)->next;                \
			if ((elem)->next != NULL) {                       \
				(elem)->next->prev = (elem)->prev;        \
			} else {                                          \
				(head)->prev = (elem)->prev;              \
			}                                                 \
		}                                                         \
		(elem)->prev = NULL;                                      \
		(elem)->next = NULL;                                      \
	} while (0)

#define DLIST_ADD(head, elem) DLIST_ADD_LINKS(head, elem, prev, next)
#define DLIST_ADD_END(head, elem) DLIST_ADD_END_LINKS(head, elem, prev, next)
#define DLIST_REMOVE(head, elem) DLIST_REMOVE_LINKS(head, elem, prev, next)

#endif
