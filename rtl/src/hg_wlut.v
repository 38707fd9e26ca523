// hg_wlut — HAD softmax weights from a run-time table.
//
// etab[delta], delta = m_max - m in 0..D, holds round(2^WB exp(S_j - S_max)) for the head's
// score step (docs/spec.md); the host writes it before the head's queries, E entries a write:
// word j holds entries E j .. E j + E - 1, entry E j + f at bits [f WW +: WW] (hg_cfg_load).
// R lookups per cycle, each registered; a lookup that is not a real key gives weight 0.
// SHADOW = 1: the writes fill a second, shadow table, and a write to word NWR = ceil((D + 1) / E)
// copies all of it into the table the lookups read (hg_cfg_load takes that write only while the
// core is idle, and the shadow words at any time): the next head's table is written while this
// head's queries read theirs.
`default_nettype none

module hg_wlut #(
  parameter D  = 64,  // head dimension: the table has D + 1 entries
  parameter WW = 16,  // weight width
  parameter E  = 2,   // entries a write
  parameter R  = 1,   // lookups per cycle
  parameter SHADOW = 0 // 1: writes fill a shadow table; a write to word NWR copies it in
) (
  input  wire                     clk_i,    // clock
  input  wire                     we_i,     // table write: a word of E entries
  input  wire [((D+E)/E+SHADOW > 1 ? $clog2((D+E)/E+SHADOW) : 1)-1:0] waddr_i, // its word j, 0..ceil((D+1)/E)-1 (SHADOW: or NWR, the copy)
  input  wire [E*WW-1:0]          wdata_i,  // entries E j + f at [f WW +: WW]
  input  wire                     en_i,     // pipeline enable
  input  wire [R-1:0]             valid_i,  // lookup r is a real key
  input  wire [R*$clog2(D+1)-1:0] delta_i,  // deltas, lookup r at [r*MW +: MW]
  output wire [R*WW-1:0]          w_o       // weights (0 where not valid), one cycle later
);

  localparam MW  = $clog2(D + 1);                // width of a delta
  localparam NWR = (D + E) / E;                  // words
  localparam NWA = NWR + SHADOW;                 // addresses: the words (and the copy)
  localparam XW  = NWA > 1 ? $clog2(NWA) : 1;    // word address width

  generate
    if (D < 1 || R < 1 || E < 1) begin : g_check
      hg_error_parameters_d_r_and_e_must_be_at_least_1 u_error ();
    end
    if (SHADOW != 0 && SHADOW != 1) begin : g_check_shadow
      hg_error_parameter_shadow_must_be_0_or_1 u_error ();
    end
  endgenerate

  // entry i at [i WW +: WW]: field i mod E of word i / E
  wire [(D+1)*WW-1:0] etab;
  genvar i;
  generate
    for (i = 0; i <= D; i = i + 1) begin : g_entry
      localparam integer J = i / E;
      localparam [XW-1:0] WORD = J[XW-1:0];
      reg [WW-1:0] q;
      if (SHADOW == 0) begin : g_direct
        always @(posedge clk_i)
          if (we_i && waddr_i == WORD) q <= wdata_i[(i % E)*WW +: WW];
      end else begin : g_shadow
        localparam integer NWR_I = NWR;
        localparam [XW-1:0] COPY = NWR_I[XW-1:0];
        reg [WW-1:0] s;
        always @(posedge clk_i) begin
          if (we_i && waddr_i == WORD) s <= wdata_i[(i % E)*WW +: WW];
          if (we_i && waddr_i == COPY) q <= s;
        end
      end
      assign etab[i*WW +: WW] = q;
    end
  endgenerate

  genvar r;
  generate
    for (r = 0; r < R; r = r + 1) begin : g_lookup
      reg [WW-1:0] w_q;
      always @(posedge clk_i)
        if (en_i) w_q <= valid_i[r] ? etab[delta_i[r*MW +: MW]*WW +: WW] : {WW{1'b0}};
      assign w_o[r*WW +: WW] = w_q;
    end
  endgenerate

endmodule

`default_nettype wire
