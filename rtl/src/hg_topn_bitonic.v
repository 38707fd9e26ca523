// hg_topn_bitonic — streaming top-N selector built from compare-exchange networks.
//
// The same function, ports and schedule as hg_topn (one group of P candidates merged per
// cycle, the list published on a query's last group; PIPE below adds two ports and a cycle
// or two), so a core can take either; the order is the tie rule of docs/spec.md: higher score
// first, equal scores by lower key index.
// Where hg_topn ranks every held entry against every candidate (N*P + P*(P-1) comparators
// and a one-hot gather per slot), this block compares whole items in three networks:
//   1. a bitonic sorter puts the P candidates in order (padded to Q = 2^ceil(log2 P));
//   2. slot i of the padded held list (M = 2^ceil(log2 max(N, P)) slots) keeps the better
//      of itself and sorted candidate M-1-i: the M best items of both lists, as a bitonic
//      sequence;
//   3. a bitonic merger (log2 M half-cleaner stages) sorts that sequence; its first N slots
//      are the new list.
// An item is compared by one key, {valid, score (sign bit flipped when SIGNED), ~index}:
// invalid items are worst, and key indices are distinct, so the order is total and any
// compare-exchange network returns exactly hg_topn's list.
//
// PIPE = 1 (hadgen --selector twostage) splits the networks into pipeline stages: the local
// stage sorts a group of candidates (network 1) and keeps its best min(Q, M) (M = 2^ceil(log2
// N) here: only the N best of a group can enter the list); the global stage merges them into
// the held list (networks 2 and 3), a register between them. SORT_CUT (hadgen --sort-cut)
// says whether a second register cuts the sort, after the level KC that balances its two parts
// best (the longer part, max(KC(KC+1)/2, LQ(LQ+1)/2 - KC(KC+1)/2) compare-exchange levels, as
// short as it can be; P = 16: 6 + 4 levels): 2 (auto) where the sort is at least as deep as
// the global stage (compare-exchange levels: LQ(LQ+1)/2 against log2 M + 1, the slot choice and
// the half-cleaners; P = 8, N = 16 and 32: 6 against 5 and 6; a level of the sort, which takes
// the keys as the score lanes make them, measured the slower), 1 always (a sort of at least 2
// levels, P >= 3),
// 0 never. The clock's path is then the longest stage instead of the networks' sum; a group is
// merged one cycle (two with the cut) after it is offered, so the list is published as much
// later. The stages are not held by en_i: a group moves on each cycle, unless the group in the
// last register is a query's last and the list published before is still held (not taken this
// cycle). Then every register waits, and so must the producer (hold_o: no group may be
// offered, whatever its place in its query). A query's last group can thus be taken while the
// list before it is still read, and the cycles the registers add do not lengthen the loop from
// one list's release to the next one's publication: the throughput is the one-stage selector's.
// PIPE = 0: one stage, hold_o and busy_o low (SORT_CUT must be left at 2).
`default_nettype none

module hg_topn_bitonic #(
  parameter N      = 32,  // entries kept
  parameter P      = 16,  // candidates per cycle
  parameter SW     = 7,   // score width
  parameter SIGNED = 0,   // 1: scores are signed (int8 cores), 0: unsigned (HAD match counts)
  parameter IW     = 10,  // key index width
  parameter PIPE   = 0,   // 1: a register between the local (sort) and global (merge) stages
  parameter SORT_CUT = 2  // PIPE = 1: a second register inside the sort: 0 never, 1 always,
                          // 2 where the sort is at least as deep as the global stage
) (
  input  wire            clk_i,         // clock
  input  wire            rst_ni,        // synchronous reset, active low
  input  wire            en_i,          // pipeline enable
  input  wire            in_valid_i,    // a group of candidates is presented
  input  wire            first_i,       // first group of a query (list starts empty)
  input  wire            last_i,        // last group of a query (publish the result)
  input  wire [P-1:0]    lane_valid_i,  // candidate j is a real key
  input  wire [P*SW-1:0] s_i,           // candidate scores, lane j at [j*SW +: SW]
  input  wire [IW-1:0]   base_i,        // key index of lane 0
  input  wire            take_i,        // consumer releases the published list
  output reg             out_valid_o,   // published list valid
  output reg  [N-1:0]    out_v_o,       // entry valid (a prefix)
  output reg  [N*SW-1:0] out_s_o,       // entry scores, best first
  output reg  [N*IW-1:0] out_idx_o,     // entry key indices
  output wire            busy_o,        // a group is between the stages (PIPE)
  output wire            hold_o         // ... and waits: offer none (PIPE)
);

  generate
    if (N < 1 || P < 1 || SW < 1 || IW < 1) begin : g_check
      hg_error_parameters_n_p_sw_iw_must_be_at_least_1 u_error ();
    end
    if (PIPE != 0 && PIPE != 1) begin : g_check_pipe
      hg_error_parameter_pipe_must_be_0_or_1 u_error ();
    end
    if (SORT_CUT < 0 || SORT_CUT > 2 || (PIPE == 0 && SORT_CUT != 2)) begin : g_check_cut
      hg_error_parameter_sort_cut_must_be_0_1_or_2_and_2_without_pipe u_error ();
    end
    if (PIPE != 0 && SORT_CUT == 1 && P < 3) begin : g_check_cut_p
      hg_error_sort_cut_1_needs_a_sort_of_two_levels_p_at_least_3 u_error ();
    end
  endgenerate

  // The sorter level after which the local stage is cut: lq (no cut) when its lq(lq+1)/2
  // levels are fewer than sg (the global stage's levels; 0: cut any sort of two levels or
  // more), else the k that makes the longer part, max(k(k+1)/2, lq(lq+1)/2 - k(k+1)/2),
  // shortest.
  function integer cut_level(input integer lq, input integer sg);
    integer k, w, best, worst;
    begin
      best  = lq;
      worst = lq * (lq + 1) / 2;
      if (worst >= sg)
        for (k = 1; k < lq; k = k + 1) begin
          w = k * (k + 1) / 2;
          if (lq * (lq + 1) / 2 - w > w) w = lq * (lq + 1) / 2 - w;
          if (w < worst) begin
            worst = w;
            best  = k;
          end
        end
      cut_level = best;
    end
  endfunction

  localparam KW = 1 + SW + IW;                     // key: {valid, ordered score, ~index}
  localparam LQ = P > 1 ? $clog2(P) : 0;           // candidate sorter stages: log2 Q
  localparam Q  = 1 << LQ;                         // candidate sorter width
  localparam LN = N > 1 ? $clog2(N) : 0;
  localparam LM = PIPE != 0 ? LN : (N > P ? N : P) > 1 ? $clog2(N > P ? N : P) : 0;
  localparam M  = 1 << LM;                         // merger width
  localparam QC = Q < M ? Q : M;                   // sorted candidates the merger takes
  localparam SG = LM + 1;                          // ... of the global stage (PIPE)
  localparam KC = PIPE == 0 || SORT_CUT == 0 ? LQ     // sorter levels before the cut
                : cut_level(LQ, SORT_CUT == 1 ? 0 : SG);
  localparam CUT = KC < LQ ? 1 : 0;                // 1: a register inside the local stage
  localparam [SW-1:0] FLIP = SIGNED != 0 ? {1'b1, {(SW - 1) {1'b0}}} : {SW{1'b0}};

  // Held list as keys, best first; invalid entries are all zero. Not reset: a query's first
  // group does not read it.
  reg [N*KW-1:0] h_k;

  // The networks, on flat vectors of keys; a compare-exchange puts the larger key first.
  wire [(LQ+1)*Q*KW-1:0] lv; // slot k: the candidates after sorter level k (slot 0: their keys)
  wire [Q*KW-1:0] c;         // ... sorted, best first
  wire [QC*KW-1:0] cg;       // the best QC of them, as the global stage sees them
  wire g_v, g_first, g_last; // the global stage merges a group, its query's first, last
  /* verilator lint_off UNUSEDSIGNAL */
  wire wait_q;               // the last register's group waits behind a held list (PIPE)
  /* verilator lint_on UNUSEDSIGNAL */
  reg [Q*KW-1:0] keys;       // the candidates' keys, padding invalid
  reg [M*KW-1:0] t;          // the M best of held and candidates, bitonic, then sorted
  reg [N-1:0]    m_v;
  reg [N*SW-1:0] m_s;
  reg [N*IW-1:0] m_idx;
  // Every index below is an expression of the loop variables and the level only, so that
  // synthesis unrolls the loops into fixed wiring (an index held in a variable would become a
  // shifter).
  always @* begin : key_net
    integer j;
    keys = {Q*KW{1'b0}};
    for (j = 0; j < P; j = j + 1)
      if (lane_valid_i[j])
        keys[j*KW +: KW] = {1'b1, s_i[j*SW +: SW] ^ FLIP, ~(base_i + j[IW-1:0])};
  end
  assign lv[0 +: Q*KW] = keys;

  // 1. bitonic sort, best first: level gk works on blocks of 2^gk, each half-cleaned at
  //    distances 2^(gk-1)..1, ascending in the blocks whose bit 2^gk is set, so that the next
  //    level sees bitonic sequences. Level KC+1 reads the cut register where there is one.
  genvar gk;
  generate
    for (gk = 1; gk <= LQ; gk = gk + 1) begin : g_level
      wire [Q*KW-1:0] x;  // the level's input
      reg  [Q*KW-1:0] y;  // ... and output
      if (CUT != 0 && gk == KC + 1) begin : g_cut
        reg [Q*KW-1:0] c1;
        always @(posedge clk_i)
          if (!wait_q && en_i && in_valid_i) c1 <= lv[(gk-1)*Q*KW +: Q*KW];
        assign x = c1;
      end else begin : g_wire
        assign x = lv[(gk-1)*Q*KW +: Q*KW];
      end
      always @* begin : level
        integer i, sj;
        reg [KW-1:0] a, b;
        y = x;
        for (sj = gk - 1; sj >= 0; sj = sj - 1)
          for (i = 0; i < Q; i = i + 1)
            if ((i & (1 << sj)) == 0) begin
              a = y[i*KW +: KW];
              b = y[(i + (1 << sj))*KW +: KW];
              if (((i & (1 << gk)) == 0) ? (a < b) : (a > b)) begin
                y[i*KW +: KW]                = b;
                y[(i + (1 << sj))*KW +: KW] = a;
              end
            end
      end
      assign lv[gk*Q*KW +: Q*KW] = y;
    end
  endgenerate
  assign c = lv[LQ*Q*KW +: Q*KW];

  generate
    if (PIPE != 0) begin : g_pipe
      reg [QC*KW-1:0] c_q;
      reg v_q, first_q, last_q;
      wire s_v, s_first, s_last;  // a group reaches c_q's input, its query's first, last
      wire cut_busy;              // a group is in the cut register
      // a last group waits while the list published before is held and not taken; every
      // register waits with it
      assign wait_q = v_q && last_q && out_valid_o && !take_i;
      if (CUT != 0) begin : g_cut
        reg v1, first1, last1;  // the cut register (its data: g_level[KC+1].g_cut.c1)
        always @(posedge clk_i) begin
          if (!rst_ni) v1 <= 1'b0;
          else if (!wait_q) v1 <= en_i && in_valid_i;
        end
        always @(posedge clk_i)
          if (!wait_q && en_i && in_valid_i) begin
            first1 <= first_i;
            last1  <= last_i;
          end
        assign s_v      = v1;
        assign s_first  = first1;
        assign s_last   = last1;
        assign cut_busy = v1;
      end else begin : g_nocut
        assign s_v      = en_i && in_valid_i;
        assign s_first  = first_i;
        assign s_last   = last_i;
        assign cut_busy = 1'b0;
      end
      always @(posedge clk_i) begin
        if (!rst_ni) v_q <= 1'b0;
        else if (!wait_q) v_q <= s_v;
      end
      always @(posedge clk_i)
        if (!wait_q && s_v) begin
          c_q     <= c[QC*KW-1:0];
          first_q <= s_first;
          last_q  <= s_last;
        end
      assign cg      = c_q;
      assign g_v     = v_q && !wait_q;
      assign g_first = first_q;
      assign g_last  = last_q;
      assign busy_o  = v_q || cut_busy;
      assign hold_o  = wait_q;
      if (Q > QC) begin : g_unused
        /* verilator lint_off UNUSEDSIGNAL */
        wire [(Q-QC)*KW-1:0] unused_cut = c[Q*KW-1:QC*KW];  // a group's items past its best M
        /* verilator lint_on UNUSEDSIGNAL */
      end
    end
    if (PIPE == 0) begin : g_direct
      assign cg      = c[QC*KW-1:0];
      assign g_v     = en_i && in_valid_i;
      assign g_first = first_i;
      assign g_last  = last_i;
      assign wait_q  = 1'b0;
      assign busy_o  = 1'b0;
      assign hold_o  = 1'b0;
    end
  endgenerate

  always @* begin : global_net
    integer i, sj;
    reg [KW-1:0] a, b, hk, ck;
    // 2. slot i: the better of held entry i and sorted candidate M-1-i (a held list after
    //    its query's first group is empty)
    for (i = 0; i < M; i = i + 1) begin
      hk = (i < N && !g_first) ? h_k[(i < N ? i : 0)*KW +: KW] : {KW{1'b0}};
      ck = (M - 1 - i < QC) ? cg[(M - 1 - i < QC ? M - 1 - i : 0)*KW +: KW] : {KW{1'b0}};
      t[i*KW +: KW] = hk > ck ? hk : ck;
    end
    // 3. bitonic merge, best first: half-cleaners at distances M/2..1
    for (sj = LM - 1; sj >= 0; sj = sj - 1)
      for (i = 0; i < M; i = i + 1)
        if ((i & (1 << sj)) == 0) begin
          a = t[i*KW +: KW];
          b = t[(i + (1 << sj))*KW +: KW];
          if (a < b) begin
            t[i*KW +: KW]                = b;
            t[(i + (1 << sj))*KW +: KW] = a;
          end
        end
    // the first N slots, back to valid, score and index (zero where invalid, as hg_topn)
    for (i = 0; i < N; i = i + 1) begin
      a = t[i*KW +: KW];
      m_v[i]            = a[KW-1];
      m_s[i*SW +: SW]   = a[KW-1] ? a[IW +: SW] ^ FLIP : {SW{1'b0}};
      m_idx[i*IW +: IW] = a[KW-1] ? ~a[0 +: IW] : {IW{1'b0}};
    end
  end

  always @(posedge clk_i) begin
    if (!rst_ni) out_valid_o <= 1'b0;
    else if (g_v && g_last) out_valid_o <= 1'b1;
    else if (take_i) out_valid_o <= 1'b0;
  end

  always @(posedge clk_i)
    if (g_v) h_k <= t[N*KW-1:0];

  always @(posedge clk_i)
    if (g_v && g_last) begin
      out_v_o   <= m_v;
      out_s_o   <= m_s;
      out_idx_o <= m_idx;
    end

endmodule

`default_nettype wire
