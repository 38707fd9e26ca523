/* sy_cmd_vars.c — hgsynth vars: the model variables of the flow (sy_model.h), one per line:
 *   NAME <TAB> DEFAULT <TAB> pos|nonneg <TAB> MAX <TAB> DESCRIPTION
 * synth/flow.sh declares these flow variables from it and checks their values against it. */
#include "sy_cmd.h"
#include "sy_model.h"

#include <stdio.h>
#include <string.h>

int sy_cmd_vars(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: hgsynth vars\n\nThe flow's model variables (clock period, memory model, node "
               "normalisation), one per line:\nNAME<TAB>DEFAULT<TAB>pos|nonneg<TAB>MAX<TAB>"
               "DESCRIPTION (pos: > 0; nonneg: >= 0).\n");
        return 0;
    }
    if (argc > 1) {
        fprintf(stderr, "hgsynth vars: unexpected argument '%s' (see --help)\n", argv[1]);
        return 2;
    }
    for (int i = 0; i < sy_model_nvars; i++) {
        const sy_model_var *v = &sy_model_vars[i];
        printf("%s\t%g\t%s\t%g\t%s\n", v->name, v->dflt, v->positive ? "pos" : "nonneg", v->max, v->desc);
    }
    return 0;
}
