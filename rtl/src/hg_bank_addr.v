// hg_bank_addr — the row address of the double-buffered score memory.
//
// Bank b holds rows b*G .. b*G + G - 1, so row r of bank b is memory row b*G + r. The writer
// (hg_rowmax) and the reader (hg_av_rows) of the memory must agree on this layout: both take
// it from here. Combinational.
`default_nettype none

module hg_bank_addr #(
  parameter G = 16  // rows per bank
) (
  input  wire                               bank_i,  // bank, 0 or 1
  input  wire [(G > 1 ? $clog2(G) : 1)-1:0] row_i,   // row within the bank (always 0 when G = 1)
  output wire [(G > 1 ? $clog2(G) : 0):0]   addr_o   // memory row: bank * G + row
);

  localparam GW = G > 1 ? $clog2(G) : 1;  // row width

  generate
    if (G < 1) begin : g_check_g
      hg_error_parameter_g_must_be_at_least_1 u_error ();
    end
    if (G == 1) begin : g_one_row
      assign addr_o = bank_i;
      wire unused_row = ^row_i;  // one row a bank: the row is always 0
    end else begin : g_rows
      localparam integer G_I = G;
      localparam [GW:0] BANK1 = G_I[GW:0];  // first row of bank 1
      assign addr_o = bank_i ? {1'b0, row_i} + BANK1 : {1'b0, row_i};
    end
  endgenerate

endmodule

`default_nettype wire
