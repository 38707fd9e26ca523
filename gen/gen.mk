# gen/ — the hadgen RTL generator.

HADGEN      := $(BUILD)/bin/hadgen
GEN_SRCS    := gen/hadgen.c gen/hg_emit.c gen/hg_config.c
GEN_OBJS    := $(patsubst %.c,$(BUILD)/obj/%.o,$(GEN_SRCS))

.PHONY: hadgen
hadgen: $(HADGEN)

$(BUILD)/obj/gen/%.o: gen/%.c | deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_HG) -MMD -MP -c $< -o $@

$(HADGEN): $(GEN_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ -lcjson -lm

-include $(GEN_OBJS:.o=.d)
