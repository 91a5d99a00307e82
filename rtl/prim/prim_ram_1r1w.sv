// SPDX-License-Identifier: Apache-2.0
// Generic simple dual-port RAM: one synchronous write port, one synchronous read port (read data
// one cycle after the address; a read of the address being written returns the old word).
// Technology versions of the same module name may replace this one.
//
// UltraRam asks the tools for UltraRAM (ram_style "ultra", read by Vivado and by Yosys'
// synth_xilinx): a deep FIFO then takes URAM288 blocks (4K x 72) and leaves block RAM to the
// narrow-and-shallow memories. Without it the tool chooses. Only for parts that have UltraRAM.
module prim_ram_1r1w #(
  parameter int unsigned Width = 32,   // bits per word
  parameter int unsigned Depth = 128,  // words
  parameter logic UltraRam = 1'b0,     // 1: UltraRAM, 0: block or distributed RAM
  localparam int unsigned AddrW = (Depth > 1) ? $clog2(Depth) : 1
) (
  input  logic             clk_i,

  // Write port
  input  logic             we_i,
  input  logic [AddrW-1:0] waddr_i,
  input  logic [Width-1:0] wdata_i,

  // Read port
  input  logic [AddrW-1:0] raddr_i,
  output logic [Width-1:0] rdata_o
);

  // The attribute takes a literal, so each style is its own copy of the memory.
  if (UltraRam) begin : g_ultra
    (* ram_style = "ultra" *) logic [Width-1:0] mem_q [Depth];
    always_ff @(posedge clk_i) begin
      if (we_i) mem_q[waddr_i] <= wdata_i;
      rdata_o <= mem_q[raddr_i];
    end
  end else begin : g_auto
    logic [Width-1:0] mem_q [Depth];
    always_ff @(posedge clk_i) begin
      if (we_i) mem_q[waddr_i] <= wdata_i;
      rdata_o <= mem_q[raddr_i];
    end
  end

endmodule
