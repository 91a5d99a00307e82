// SPDX-License-Identifier: Apache-2.0
// Stream FIFO whose storage is a RAM with a synchronous read (prim_ram_1r1w), so that the tools
// map it to block RAM or UltraRAM; mmf_fifo keeps its entries in flops or LUT RAM with an
// asynchronous read and suits a few entries only. Full throughput (one push and one pop per
// cycle). An entry is visible at the output three cycles after its push: the RAM write, the RAM
// read, the output buffer.
//
// The RAM's read port runs ahead of the consumer into an OutDepth-entry output buffer (3 keep
// one pop a cycle going: one entry being taken, one read in flight, one spare): a read is issued
// when the buffer plus the read in flight leave room, a decision from registers only, so the
// consumer's ready never reaches the RAM's address path. Capacity is Depth + OutDepth; usage_o
// counts all of them, for credit-based producers.
module mmf_fifo_ram #(
  parameter int unsigned Width = 32,    // bits per entry
  parameter int unsigned Depth = 1024,  // entries in the RAM
  parameter int unsigned OutDepth = 3,  // output buffer, at least 3 for full throughput
  parameter logic UltraRam = 1'b0,      // the RAM in UltraRAM (prim_ram_1r1w)
  localparam int unsigned PtrW = (Depth > 1) ? $clog2(Depth) : 1,
  localparam int unsigned CountW = $clog2(Depth + OutDepth + 1)
) (
  input  logic              clk_i,
  input  logic              rst_ni,

  input  logic              in_valid_i,
  output logic              in_ready_o,
  input  logic [Width-1:0]  in_data_i,

  output logic              out_valid_o,
  input  logic              out_ready_i,
  output logic [Width-1:0]  out_data_o,

  output logic [CountW-1:0] usage_o
);

  localparam int unsigned RamCountW = $clog2(Depth + 1);
  localparam int unsigned OutCountW = $clog2(OutDepth + 1);

  logic [PtrW-1:0]      wr_q, rd_q;
  logic [RamCountW-1:0] ram_count_q;  // entries written to the RAM and not yet read from it
  logic                 read_q;       // a RAM read was issued last cycle: its data is on rdata
  logic                 push, read;
  logic [Width-1:0]     rdata;
  logic [OutCountW-1:0] out_usage;
  logic                 out_in_ready;

  function automatic logic [PtrW-1:0] next(input logic [PtrW-1:0] ptr);
    next = (32'(ptr) == Depth - 1) ? '0 : ptr + 1'b1;
  endfunction

  assign in_ready_o = ram_count_q != RamCountW'(Depth);
  assign push = in_valid_i && in_ready_o;
  assign read = ram_count_q != '0 && 32'(out_usage) + 32'(read_q) < OutDepth;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      wr_q <= '0;
      rd_q <= '0;
      ram_count_q <= '0;
      read_q <= 1'b0;
    end else begin
      if (push) wr_q <= next(wr_q);
      if (read) rd_q <= next(rd_q);
      ram_count_q <= ram_count_q + RamCountW'(push) - RamCountW'(read);
      read_q <= read;
    end
  end

  prim_ram_1r1w #(
    .Width   (Width),
    .Depth   (Depth),
    .UltraRam(UltraRam)
  ) u_ram (
    .clk_i,
    .we_i   (push),
    .waddr_i(wr_q),
    .wdata_i(in_data_i),
    .raddr_i(rd_q),
    .rdata_o(rdata)
  );

  mmf_fifo #(
    .Width(Width),
    .Depth(OutDepth)
  ) u_out (
    .clk_i,
    .rst_ni,
    .in_valid_i (read_q),
    .in_ready_o (out_in_ready),
    .in_data_i  (rdata),
    .out_valid_o,
    .out_ready_i,
    .out_data_o,
    .usage_o    (out_usage)
  );

  assign usage_o = CountW'(ram_count_q) + CountW'(read_q) + CountW'(out_usage);

`ifndef SYNTHESIS
  // The read decision reserves an output entry for every read in flight.
  out_room_a: assert property (@(posedge clk_i) disable iff (!rst_ni) read_q |-> out_in_ready)
    else $error("mmf_fifo_ram: a RAM read found the output buffer full");
`endif

endmodule
