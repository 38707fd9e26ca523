# sw/ — the host side, one folder per subsystem:
#   sw/golden/   the golden model (libhggolden): bit-exact C form of docs/spec.md
#   sw/model/    model files, tokenizer and BERT encoder (libhgmodel, enc_demo; model.mk)
#   sw/run/      the layer runner: hadrun, hadmodel (libhgrun; run.mk)
#   sw/distill/  the distillation recipe (PyTorch; distill.mk, included by the top Makefile)
include sw/model/model.mk

GOLD_OBJS   := $(BUILD)/obj/sw/golden/hm_golden.o
$(GOLD_LIB): $(GOLD_OBJS)
-include $(GOLD_OBJS:.o=.d)
include sw/run/run.mk
