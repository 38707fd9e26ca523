# sw/ — golden model (libhgcore): bit-exact reference of the cores, float references.
include sw/model.mk

GOLD_SRCS   := sw/hm_golden.c gen/hg_config.c
GOLD_OBJS   := $(patsubst %.c,$(BUILD)/obj/%.o,$(GOLD_SRCS))
GOLD_LIB    := $(BUILD)/lib/libhgcore.a

$(BUILD)/obj/sw/%.o: sw/%.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_HG) -MMD -MP -c $< -o $@

$(GOLD_LIB): $(GOLD_OBJS)
	@mkdir -p $(dir $@)
	ar rcs $@ $^

TEST_DEPLIBS += $(GOLD_LIB)
-include $(GOLD_OBJS:.o=.d)
include sw/run.mk
