# sw/ — the host side, one folder per subsystem:
#   sw/base/     the base library every tool links (libhgbase): the core configuration
#                (hg_config, the core types of hg_cores.def), the manifest reader
#                (hg_manifest), safe files (hg_file), number
#                parsing and messages (hg_util); it uses nothing else of the project
#   sw/golden/   the golden model (libhggolden): bit-exact C form of docs/spec.md
#   sw/model/    model files, tokenizer and BERT encoder (libhgmodel, enc_demo; model.mk)
#   sw/run/      the layer runner: hadrun, hadmodel (libhgrun; run.mk)
#   sw/distill/  the distillation recipe (PyTorch; distill.mk, included by the top Makefile)
BASE_OBJS   := $(BUILD)/obj/sw/base/hg_config.o $(BUILD)/obj/sw/base/hg_util.o $(BUILD)/obj/sw/base/hg_file.o \
               $(BUILD)/obj/sw/base/hg_manifest.o
$(BASE_LIB): $(BASE_OBJS)
-include $(BASE_OBJS:.o=.d)

include sw/model/model.mk

GOLD_OBJS   := $(BUILD)/obj/sw/golden/hm_golden.o
$(GOLD_LIB): $(GOLD_OBJS)
-include $(GOLD_OBJS:.o=.d)
include sw/run/run.mk
