/*
 * suggest.h - "did you mean ...?" for names a user mistyped: presets, units,
 * model classes, parameter keys.
 *
 * Candidates are offered one by one; the closest ones by edit distance
 * (Damerau-Levenshtein, ignoring case; ties broken by the distance with case)
 * are kept when close enough for the word's length. More than three equally
 * close candidates suggest nothing: a guess among many is no help.
 */
#ifndef SKY_CORE_SUGGEST_H
#define SKY_CORE_SUGGEST_H

#include <stddef.h>

enum { SKY_SUGGEST_MAX = 3 };

typedef struct sky_suggest {
    const char *word;
    const char *best[SKY_SUGGEST_MAX]; /* candidates as given: they must outlive the search */
    int nbest, ties; /* ties: how many candidates share the best score (may exceed nbest) */
    int dist, dist_case; /* the best score */
} sky_suggest;

void sky_suggest_init(sky_suggest *s, const char *word);
void sky_suggest_add(sky_suggest *s, const char *candidate);

/* " (did you mean X?)", " (did you mean X or Y?)", " (did you mean X, Y or Z?)"
 * into buf, or "" when nothing is close; returns buf. */
const char *sky_suggest_text(const sky_suggest *s, char *buf, size_t n);

/* "X", "X or Y", "X, Y or Z" into buf; "" when there is no suggestion. */
const char *sky_suggest_list(const sky_suggest *s, char *buf, size_t n);

/* Edit distance between a and b (adjacent transpositions count one), with
 * case ignored when `nocase`; -1 for words over 63 bytes. */
int sky_edit_distance(const char *a, const char *b, int nocase);

#endif
