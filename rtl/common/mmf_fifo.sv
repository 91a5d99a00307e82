// SPDX-License-Identifier: Apache-2.0
// Stream FIFO of Depth entries (valid/ready on both sides), storage in flops; full throughput
// (one push and one pop per cycle), not fall-through (an entry is visible the cycle after its
// push). `usage_o` counts stored entries, for credit-based producers.
module mmf_fifo #(
  parameter int unsigned Width = 32,  // bits per entry
  parameter int unsigned Depth = 4,   // entries
  localparam int unsigned PtrW = (Depth > 1) ? $clog2(Depth) : 1,
  localparam int unsigned CountW = $clog2(Depth + 1)
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

  logic [Width-1:0]  mem_q [Depth];
  logic [PtrW-1:0]   rd_q, wr_q;
  logic [CountW-1:0] count_q;
  logic              push, pop;

  assign in_ready_o = count_q != CountW'(Depth);
  assign out_valid_o = count_q != '0;
  assign push = in_valid_i && in_ready_o;
  assign pop = out_valid_o && out_ready_i;

  function automatic logic [PtrW-1:0] next(input logic [PtrW-1:0] ptr);
    next = (32'(ptr) == Depth - 1) ? '0 : ptr + 1'b1;
  endfunction

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      rd_q <= '0;
      wr_q <= '0;
      count_q <= '0;
    end else begin
      if (push) wr_q <= next(wr_q);
      if (pop) rd_q <= next(rd_q);
      count_q <= count_q + CountW'(push) - CountW'(pop);
    end
  end

  always_ff @(posedge clk_i) begin
    if (push) mem_q[wr_q] <= in_data_i;
  end

  assign out_data_o = mem_q[rd_q];
  assign usage_o = count_q;

`ifndef SYNTHESIS
  depth_a: assert property (@(posedge clk_i) disable iff (!rst_ni) count_q <= CountW'(Depth))
    else $error("mmf_fifo: more entries than Depth");
`endif

endmodule
