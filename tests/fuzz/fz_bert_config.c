/*
 * fz_bert_config.c — config.json of a BERT-family checkpoint (sw/model/bert_config).
 *
 * The input is the file's text; as bcfg_load does, text with a NUL byte is refused, the
 * rest goes to bcfg_parse. A configuration that is accepted must hold what the header
 * promises: positive sizes, a head dimension that divides the hidden size, eps > 0.
 */
#include "bert_config.h"
#include "fz_util.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (memchr(data, 0, size)) return 0;
    char *text = fz_strndup(data, size), err[1024];
    bcfg_config c;
    if (bcfg_parse(text, "config.json", &c, err, sizeof err) == 0) {
        if (c.hidden < 1 || c.n_heads < 1 || c.n_layers < 1 || c.intermediate < 1 || c.vocab_size < 1 ||
            c.max_pos < 1 || c.type_vocab < 1)
            fz_fail("bert_config", "an accepted configuration has a size < 1");
        if (c.head_dim * c.n_heads != c.hidden)
            fz_fail("bert_config", "head_dim x num_attention_heads != hidden_size");
        if (!(c.ln_eps > 0)) fz_fail("bert_config", "layer_norm_eps is not > 0");
    }
    free(text);
    return 0;
}
