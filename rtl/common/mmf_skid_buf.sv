// SPDX-License-Identifier: Apache-2.0
// Skid buffer of a valid/ready stream: in_ready_o comes from a flop, so the consumer's ready
// path ends here instead of running on into the producer. A value passes straight through
// (no added latency) unless the consumer stalls; then the one accepted in that cycle waits in
// the skid register and leaves first. Full throughput at the output; the producer sees one
// idle cycle after each stall while the skid drains.
module mmf_skid_buf #(
  parameter int unsigned Width = 32  // bits of the payload
) (
  input  logic             clk_i,
  input  logic             rst_ni,

  input  logic             in_valid_i,
  output logic             in_ready_o,
  input  logic [Width-1:0] in_data_i,

  output logic             out_valid_o,
  input  logic             out_ready_i,
  output logic [Width-1:0] out_data_o,

  output logic             full_o       // a value waits in the skid register
);

  logic             full_q;
  logic [Width-1:0] data_q;

  assign in_ready_o = !full_q;
  assign out_valid_o = full_q || in_valid_i;
  assign out_data_o = full_q ? data_q : in_data_i;
  assign full_o = full_q;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      full_q <= 1'b0;
    end else if (full_q) begin
      full_q <= !out_ready_i;
    end else begin
      full_q <= in_valid_i && !out_ready_i;
    end
  end

  // Data only: no reset, read under full_q.
  always_ff @(posedge clk_i) begin
    if (!full_q && in_valid_i && !out_ready_i) data_q <= in_data_i;
  end

`ifndef SYNTHESIS
  out_stable_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      out_valid_o && !out_ready_i |=> out_valid_o && $stable(out_data_o))
    else $error("mmf_skid_buf: output changed while stalled");
`endif

endmodule
