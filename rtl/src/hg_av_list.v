// hg_av_list — the AV unit's walk over a published top-N list.
//
// Reads R entries of the list a cycle, in list order: their V rows are read (vm_*) and their
// weight inputs computed in the same cycle, t = s_max - s with s_max the list's largest score
// (list_smax_i: entry 0's for the sorting selectors, the counting selector's own figure for its
// list in key order; HAD: the match-count delta m_max - m, SW bits; SIGNED scores: SW + 1
// bits, two's complement). The beat reaches the multiply-accumulate stage one cycle later (mac_*),
// with the weights and V rows. The list is released after the read of its last valid entry.
`default_nettype none

module hg_av_list #(
  parameter N      = 16,  // list entries
  parameter R      = 1,   // entries read a cycle
  parameter SW     = 6,   // score width
  parameter SIGNED = 0,   // 1: scores are signed (t gets a sign bit)
  parameter IW     = 7    // key index width
) (
  input  wire                    clk_i,         // clock
  input  wire                    rst_ni,        // synchronous reset, active low
  input  wire                    en_i,          // AV enable (hold everything when low)
  input  wire                    list_valid_i,  // a published top-N list is waiting
  input  wire [N-1:0]            list_v_i,      // entry valid (a prefix)
  input  wire [N*SW-1:0]         list_s_i,      // entry scores
  input  wire [N*IW-1:0]         list_idx_i,    // entry key indices
  input  wire [SW-1:0]           list_smax_i,   // the largest entry score
  output wire                    list_take_o,   // list fully read (released)
  output wire [R-1:0]            vm_re_o,       // V memory read enables
  output wire [R*IW-1:0]         vm_raddr_o,    // V memory read addresses
  output wire [R-1:0]            lookup_v_o,    // entry r is read this cycle (weight wanted)
  output wire [R*(SW+SIGNED)-1:0] t_o,          // s_max - s of entry r at [r*TW +: TW]
  output reg                     mac_v_o,       // a beat reaches the MAC stage
  output reg                     mac_first_o,   // ... the first of its query
  output reg                     mac_last_o     // ... the last of its query
);

  localparam TW    = SW + SIGNED;                   // width of t
  localparam NSTEP = (N + R - 1) / R;               // cycles per list
  localparam STW   = NSTEP > 1 ? $clog2(NSTEP) : 1; // step counter width

  generate
    if (N < 1 || R < 1 || SW < 1 || IW < 1) begin : g_check_sizes
      hg_error_parameters_n_r_sw_iw_must_be_at_least_1 u_error ();
    end
    if (SIGNED != 0 && SIGNED != 1) begin : g_check_signed
      hg_error_parameter_signed_must_be_0_or_1 u_error ();
    end
  endgenerate

  reg [STW-1:0] st_q;  // step: entries st*R .. st*R + R - 1 are read

  // The R entries of each step, and whether entry (st + 1) * R exists, as arrays over every
  // step the counter can name (entries past the list are invalid zeros) indexed by the step:
  // synthesis builds balanced multiplexers of log2(steps) levels (a comparison per step made
  // a priority chain of N / R levels, the AV unit's slowest path at N = 64).
  localparam NS2 = 1 << STW;  // steps the counter can name

  wire [R-1:0]    step_v   [0:NS2-1];
  wire [R*SW-1:0] step_s   [0:NS2-1];
  wire [R*IW-1:0] step_idx [0:NS2-1];
  wire            step_more[0:NS2-1];
  genvar gs, gr;
  generate
    for (gs = 0; gs < NS2; gs = gs + 1) begin : g_step
      for (gr = 0; gr < R; gr = gr + 1) begin : g_entry
        if (gs * R + gr < N) begin : g_in
          assign step_v[gs][gr]                = list_v_i[gs*R + gr];
          assign step_s[gs][gr*SW +: SW]       = list_s_i[(gs*R + gr)*SW +: SW];
          assign step_idx[gs][gr*IW +: IW]     = list_idx_i[(gs*R + gr)*IW +: IW];
        end else begin : g_out
          assign step_v[gs][gr]                = 1'b0;
          assign step_s[gs][gr*SW +: SW]       = {SW{1'b0}};
          assign step_idx[gs][gr*IW +: IW]     = {IW{1'b0}};
        end
      end
      if ((gs + 1) * R < N) begin : g_more
        assign step_more[gs] = list_v_i[(gs + 1)*R];
      end else begin : g_last
        assign step_more[gs] = 1'b0;
      end
    end
  endgenerate

  wire [R-1:0]    e_v   = step_v[st_q];
  wire [R*SW-1:0] e_s   = step_s[st_q];
  wire [R*IW-1:0] e_idx = step_idx[st_q];
  wire            more  = step_more[st_q];

  wire rd      = list_valid_i && en_i;
  wire rd_last = rd && !more;
  assign list_take_o = rd_last;
  assign vm_re_o     = e_v & {R{rd}};
  assign vm_raddr_o  = e_idx;
  assign lookup_v_o  = e_v & {R{rd}};

  genvar dr;
  generate
    for (dr = 0; dr < R; dr = dr + 1) begin : g_t
      if (SIGNED != 0) begin : g_signed
        assign t_o[dr*TW +: TW] = {list_smax_i[SW-1], list_smax_i} -
                                  {e_s[dr*SW + SW-1], e_s[dr*SW +: SW]};
      end else begin : g_unsigned
        assign t_o[dr*TW +: TW] = list_smax_i - e_s[dr*SW +: SW];
      end
    end
  endgenerate

  always @(posedge clk_i) begin
    if (!rst_ni) begin
      st_q    <= {STW{1'b0}};
      mac_v_o <= 1'b0;
    end else if (en_i) begin
      mac_v_o <= rd;
      if (rd) st_q <= rd_last ? {STW{1'b0}} : st_q + 1'b1;
    end
  end

  always @(posedge clk_i)
    if (en_i) begin
      mac_first_o <= (st_q == {STW{1'b0}});
      mac_last_o  <= !more;
    end

endmodule

`default_nettype wire
