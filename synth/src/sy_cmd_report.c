/* sy_cmd_report.c — `hgsynth report` (placeholder until the comparison lands). */
#include <stdio.h>

#include "sy_cmd.h"

int sy_cmd_report(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fprintf(stderr, "hgsynth report: not implemented yet\n");
    return 1;
}
