// hg_mem_banked — a memory of LANES banks, one per score lane.
//
// Bank b holds the entries of keys b, b + LANES, b + 2 LANES, ...: one entry is written per
// cycle (bank wlane, row wrow), and a whole row, one entry of every bank, is read per cycle
// and registered. The synthesis flow costs it with its memory model (not synthesized).
`default_nettype none

module hg_mem_banked #(
  parameter LANES = 8,    // banks (one per score lane)
  parameter WORDS = 16,   // rows per bank
  parameter W     = 32    // bits per entry
) (
  input  wire                                    clk_i,    // clock
  input  wire                                    we_i,     // write one entry
  input  wire [(LANES > 1 ? $clog2(LANES) : 1)-1:0] wlane_i, // bank written
  input  wire [(WORDS > 1 ? $clog2(WORDS) : 1)-1:0] wrow_i,  // row written
  input  wire [W-1:0]                            wdata_i,  // entry written
  input  wire                                    re_i,     // read a row
  input  wire [(WORDS > 1 ? $clog2(WORDS) : 1)-1:0] rrow_i,  // row read
  output wire [LANES*W-1:0]                      rdata_o   // row read, bank b at [b*W +: W], one cycle later
);

  localparam LNW = LANES > 1 ? $clog2(LANES) : 1;  // bank select width

  generate
    if (LANES < 1 || WORDS < 1 || W < 1) begin : g_check
      hg_error_parameters_lanes_words_w_must_be_at_least_1 u_error ();
    end
  endgenerate

  genvar b;
  generate
    for (b = 0; b < LANES; b = b + 1) begin : g_bank
      localparam [LNW-1:0] B = b;
      reg [W-1:0] mem [0:WORDS-1];
      reg [W-1:0] rd_q;
      always @(posedge clk_i) begin
        if (we_i && wlane_i == B) mem[wrow_i] <= wdata_i;
        if (re_i) rd_q <= mem[rrow_i];
      end
      assign rdata_o[b*W +: W] = rd_q;
    end
  endgenerate

endmodule

`default_nettype wire
