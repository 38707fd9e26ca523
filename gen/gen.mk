# gen/ — the hadgen RTL generator.

HADGEN      := $(BUILD)/bin/hadgen
GEN_SRCS    := gen/hadgen.c gen/hg_emit.c gen/hg_config.c gen/hg_util.c gen/hg_file.c
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

# The default cores, committed under rtl/generated/ so a reader can open them without
# building (tests/test_core_hadgen.cc checks they are up to date): the CAMformer operating
# point d=64 P=16 N=32 L=1024, and the MiniLM point d=32 P=8 N=16 L=128.
MINILM_ARGS := --d 32 --lanes 8 --top-n 16 --max-keys 128
.PHONY: rtl
rtl: $(HADGEN)
	@for core in had baseline int8-topn; do \
	  $(HADGEN) --core $$core --out rtl/generated/$${core}_d64 && \
	  $(HADGEN) --core $$core $(MINILM_ARGS) --out rtl/generated/$${core}_d32 || exit 1; \
	done
	@echo "rtl/generated: $$(ls rtl/generated | tr '\n' ' ')"
