/*
 * suggest.c - the closest of a list of names (see suggest.h).
 */
#include "suggest.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

enum { WORD_MAX = 64 };

int sky_edit_distance(const char *a, const char *b, int nocase)
{
    const size_t na = strlen(a), nb = strlen(b);
    if (na >= WORD_MAX || nb >= WORD_MAX)
        return -1;
    int d[WORD_MAX][WORD_MAX];
    for (size_t i = 0; i <= na; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= nb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= na; i++)
        for (size_t j = 1; j <= nb; j++) {
            const int ca = nocase ? tolower((unsigned char)a[i - 1]) : (unsigned char)a[i - 1];
            const int cb = nocase ? tolower((unsigned char)b[j - 1]) : (unsigned char)b[j - 1];
            int v = d[i - 1][j - 1] + (ca != cb);
            if (d[i - 1][j] + 1 < v)
                v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (i > 1 && j > 1) {
                const int pa = nocase ? tolower((unsigned char)a[i - 2]) : (unsigned char)a[i - 2];
                const int pb = nocase ? tolower((unsigned char)b[j - 2]) : (unsigned char)b[j - 2];
                if (ca == pb && pa == cb && d[i - 2][j - 2] + 1 < v)
                    v = d[i - 2][j - 2] + 1;
            }
            d[i][j] = v;
        }
    return d[na][nb];
}

void sky_suggest_init(sky_suggest *s, const char *word)
{
    memset(s, 0, sizeof *s);
    s->word = word ? word : "";
    s->dist = -1;
}

/* The largest distance still worth suggesting for a word of n characters:
 * a case difference always; one edit up to 4 characters, two up to 8, then
 * three. */
static int max_distance(size_t n)
{
    return n <= 4 ? 1 : n <= 8 ? 2 : 3;
}

void sky_suggest_add(sky_suggest *s, const char *candidate)
{
    if (!candidate || !strcmp(candidate, s->word))
        return;
    const int d = sky_edit_distance(s->word, candidate, 1);
    if (d < 0 || d > max_distance(strlen(s->word)))
        return;
    /* a candidate no longer than the distance is no evidence (x -> d1) */
    if (d > 0 && (size_t)d >= strlen(candidate))
        return;
    const int dc = sky_edit_distance(s->word, candidate, 0);
    if (s->dist < 0 || d < s->dist || (d == s->dist && dc < s->dist_case)) {
        s->dist = d;
        s->dist_case = dc;
        s->nbest = 0;
        s->ties = 0;
    } else if (d != s->dist || dc != s->dist_case) {
        return;
    }
    for (int k = 0; k < s->nbest; k++) /* the same name offered twice */
        if (!strcmp(s->best[k], candidate))
            return;
    s->ties++;
    if (s->nbest < SKY_SUGGEST_MAX)
        s->best[s->nbest++] = candidate;
}

const char *sky_suggest_list(const sky_suggest *s, char *buf, size_t n)
{
    size_t used = 0;
    if (n)
        buf[0] = '\0';
    if (s->nbest == 0 || s->ties > SKY_SUGGEST_MAX)
        return buf;
    for (int k = 0; k < s->nbest && used < n; k++)
        used += (size_t)snprintf(buf + used, n - used, "%s%s",
                                 k == 0 ? "" : k == s->nbest - 1 ? " or " : ", ", s->best[k]);
    return buf;
}

const char *sky_suggest_text(const sky_suggest *s, char *buf, size_t n)
{
    char list[256];
    if (!*sky_suggest_list(s, list, sizeof list)) {
        if (n)
            buf[0] = '\0';
        return buf;
    }
    snprintf(buf, n, " (did you mean %s?)", list);
    return buf;
}
