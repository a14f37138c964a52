/* ident.c - the strict identifier pattern (see ident.h). */
#include "ident.h"

/* Per byte: 1 may start an identifier (letter, '_'), 2 may only follow
 * (digit); 0 never.  A table: names are checked several times per request. */
#define L1(c) [c] = 1
static const unsigned char ident_class[256] = {
    L1('A'), L1('B'), L1('C'), L1('D'), L1('E'), L1('F'), L1('G'), L1('H'),
    L1('I'), L1('J'), L1('K'), L1('L'), L1('M'), L1('N'), L1('O'), L1('P'),
    L1('Q'), L1('R'), L1('S'), L1('T'), L1('U'), L1('V'), L1('W'), L1('X'),
    L1('Y'), L1('Z'), L1('a'), L1('b'), L1('c'), L1('d'), L1('e'), L1('f'),
    L1('g'), L1('h'), L1('i'), L1('j'), L1('k'), L1('l'), L1('m'), L1('n'),
    L1('o'), L1('p'), L1('q'), L1('r'), L1('s'), L1('t'), L1('u'), L1('v'),
    L1('w'), L1('x'), L1('y'), L1('z'), L1('_'),
    ['0'] = 2, ['1'] = 2, ['2'] = 2, ['3'] = 2, ['4'] = 2,
    ['5'] = 2, ['6'] = 2, ['7'] = 2, ['8'] = 2, ['9'] = 2,
};
#undef L1

bool dbd_ident_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    if (s == NULL || len == 0 || len > DBD_IDENT_MAX || ident_class[p[0]] != 1)
        return false;
    for (size_t i = 1; i < len; i++)
        if (ident_class[p[i]] == 0)
            return false;
    return true;
}
