# sw/ — golden model (libhggolden): bit-exact reference of the cores, float references.
include sw/model.mk

GOLD_OBJS   := $(BUILD)/obj/sw/hm_golden.o
$(GOLD_LIB): $(GOLD_OBJS)
-include $(GOLD_OBJS:.o=.d)
include sw/run.mk
