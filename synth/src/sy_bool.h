/* sy_bool.h — Liberty boolean expressions ("function", "next_state", "clear", ...).
 *
 * Operators, highest precedence first: prefix '!' and postfix '\'' (not), '^' (xor),
 * '&', '*' or juxtaposition (and), '|', '+' (or); constants 0 and 1; parentheses.
 */
#ifndef SY_BOOL_H
#define SY_BOOL_H

#include <stddef.h>

typedef enum { SY_B_VAR, SY_B_CONST, SY_B_NOT, SY_B_AND, SY_B_OR, SY_B_XOR } sy_bop;

typedef struct sy_bexpr sy_bexpr;
struct sy_bexpr {
    sy_bop op;
    char *name;      /* SY_B_VAR */
    int value;       /* SY_B_CONST */
    sy_bexpr *a, *b; /* operands (NOT uses a) */
};

/* Parses `text`. Returns NULL and fills err on a syntax error. */
sy_bexpr *sy_bool_parse(const char *text, char *err, size_t errlen);
void sy_bool_free(sy_bexpr *e);

/* Returns a fully parenthesised Verilog expression (malloced). */
char *sy_bool_verilog(const sy_bexpr *e);
/* Same, with `suffix` appended to every variable name. */
char *sy_bool_verilog_sfx(const sy_bexpr *e, const char *suffix);

#endif
