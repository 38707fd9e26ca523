// hg_mem_banked — a memory of LANES banks, one per score lane.
//
// Bank b holds the entries of keys b, b + LANES, b + 2 LANES, ...: WL entries are written per
// cycle (banks wlane .. wlane + WL - 1 of row wrow, wlane a multiple of WL; WL a power of two
// dividing LANES), and a whole row, one entry of every bank, is read per cycle and registered.
// The synthesis flow costs it with its memory model (not synthesized).
`default_nettype none

module hg_mem_banked #(
  parameter LANES = 8,    // banks (one per score lane)
  parameter WORDS = 16,   // rows per bank
  parameter W     = 32,   // bits per entry
  parameter WL    = 1     // entries written per write
) (
  input  wire                                    clk_i,    // clock
  input  wire                                    we_i,     // write WL entries
  input  wire [(LANES > 1 ? $clog2(LANES) : 1)-1:0] wlane_i, // first bank written
  input  wire [(WORDS > 1 ? $clog2(WORDS) : 1)-1:0] wrow_i,  // row written
  input  wire [WL*W-1:0]                         wdata_i,  // entries written, bank wlane + j at [j*W +: W]
  input  wire                                    re_i,     // read a row
  input  wire [(WORDS > 1 ? $clog2(WORDS) : 1)-1:0] rrow_i,  // row read
  output wire [LANES*W-1:0]                      rdata_o   // row read, bank b at [b*W +: W], one cycle later
);

  localparam LNW = LANES > 1 ? $clog2(LANES) : 1;  // bank select width

  generate
    if (LANES < 1 || WORDS < 1 || W < 1) begin : g_check
      hg_error_parameters_lanes_words_w_must_be_at_least_1 u_error ();
    end
    if (WL < 1 || (WL & (WL - 1)) != 0 || LANES % WL != 0) begin : g_check_wl
      hg_error_parameter_wl_must_be_a_power_of_two_dividing_lanes u_error ();
    end
  endgenerate

  genvar b;
  generate
    for (b = 0; b < LANES; b = b + 1) begin : g_bank
      localparam integer J  = b % WL;      // its entry of a write
      localparam integer BI = b - J;
      localparam [LNW-1:0] B = BI[LNW-1:0]; // the first bank of its writes
      reg [W-1:0] mem [0:WORDS-1];
      reg [W-1:0] rd_q;
      always @(posedge clk_i) begin
        if (we_i && wlane_i == B) mem[wrow_i] <= wdata_i[J*W +: W];
        if (re_i) rd_q <= mem[rrow_i];
      end
      assign rdata_o[b*W +: W] = rd_q;
    end
  endgenerate

endmodule

`default_nettype wire
