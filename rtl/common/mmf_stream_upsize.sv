// SPDX-License-Identifier: Apache-2.0
// Stream width converter, narrow to wide: Ratio input beats of InWidth bits make one output beat
// (the first input in the low bits). An input beat with `last` set ends the output beat early,
// its remaining slots zero (the tail of a vector). Used where the vector units' lanes meet wider
// words, e.g. codes (vector_lanes per beat) gathered into code words (lanes per word).
module mmf_stream_upsize #(
  parameter int unsigned InWidth = 32,  // bits per input beat
  parameter int unsigned Ratio = 4,     // input beats per output beat
  localparam int unsigned OutWidth = InWidth * Ratio,
  localparam int unsigned SlotW = (Ratio > 1) ? $clog2(Ratio) : 1
) (
  input  logic                clk_i,
  input  logic                rst_ni,

  input  logic                in_valid_i,
  output logic                in_ready_o,
  input  logic [InWidth-1:0]  in_data_i,
  input  logic                in_last_i,

  output logic                out_valid_o,
  input  logic                out_ready_i,
  output logic [OutWidth-1:0] out_data_o
);

  logic [OutWidth-1:0] data_q;
  logic [SlotW-1:0]    slot_q;
  logic                full_q;
  logic                in_fire, closes;

  // A full word waits for the output; while it waits no input is taken unless it leaves now.
  assign in_ready_o = !full_q || out_ready_i;
  assign in_fire = in_valid_i && in_ready_o;
  assign closes = in_last_i || 32'(slot_q) == Ratio - 1;

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      slot_q <= '0;
      full_q <= 1'b0;
    end else begin
      if (full_q && out_ready_i) full_q <= 1'b0;
      if (in_fire) begin
        slot_q <= closes ? '0 : slot_q + 1'b1;
        if (closes) full_q <= 1'b1;
      end
    end
  end

  // Data only: no reset (read under full_q; slot 0 clears the rest of the word).
  always_ff @(posedge clk_i) begin
    if (in_fire) begin
      // A new word starts from zeros, so a short last word has zero tail slots.
      // Fixed slices chosen by the slot (a decoder), not a computed bit offset: Yosys turned
      // `data_q[InWidth * slot_q +: InWidth]` into offset arithmetic 18 carry levels deep.
      if (slot_q == '0) data_q <= OutWidth'(in_data_i);
      for (int unsigned k = 1; k < Ratio; k++) begin
        if (32'(slot_q) == k) data_q[InWidth*k +: InWidth] <= in_data_i;
      end
    end
  end

  assign out_valid_o = full_q;
  assign out_data_o = data_q;

`ifndef SYNTHESIS
  // The handshake (AXI-Stream): a beat offered stays, unchanged, until it is taken, on the
  // output (this cell) and on the input (its producer); no word out of reset; the slot within
  // the word.
  out_stable_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      out_valid_o && !out_ready_i |=> out_valid_o && $stable(out_data_o))
    else $error("mmf_stream_upsize: output changed while stalled");
  in_stable_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
      in_valid_i && !in_ready_o |=> in_valid_i && $stable(in_data_i) && $stable(in_last_i))
    else $error("mmf_stream_upsize: input withdrawn or changed while stalled");
  reset_a: assert property (@(posedge clk_i) !rst_ni |=> !out_valid_o)
    else $error("mmf_stream_upsize: output valid out of reset");
  slot_a: assert property (@(posedge clk_i) disable iff (!rst_ni) 32'(slot_q) < Ratio)
    else $error("mmf_stream_upsize: slot past the word");
`endif

endmodule
