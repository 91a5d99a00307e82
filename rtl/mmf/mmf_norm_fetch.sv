// SPDX-License-Identifier: Apache-2.0
// Norm-weight fetcher: loads one BitLinear's norm weights from the vector bank into their two
// slots (mmf_kernel_pkg::SlotWRms, SlotWCode): w_rms when the op has it, then w_code, each an
// int16 vector of `words` words (two values a word). Each slot holds two such vectors, one in
// rows 0 .. Rows/2 - 1 and one from row Rows/2 (hi): the controller fetches the next
// BitLinear's into one half while the BitLinear being run reads the other, so that the two
// reads (a vector-bank round trip each) leave the serial path of the token.
//
// The unit owns the vector-bank reader while busy_o: it issues one command a vector and takes
// every reader beat until the last one landed (the datapath routes them here while busy_o, and
// the controller issues no read of its own then). A beat is written in the cycle it comes,
// lanes past `words` masked.
module mmf_norm_fetch #(
  parameter int unsigned VectorLanes = 4,  // 32-bit words a reader beat
  parameter int unsigned Rows = 4096,      // rows of a slot (MaxVector / VectorLanes)
  localparam int unsigned IdxW = (Rows > 1) ? $clog2(Rows) : 1,
  localparam int unsigned DataW = 32 * VectorLanes
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,

  // A job: the word indices of w_rms (when has_rms) and w_code, their length in words, the half.
  input  logic                   job_valid_i,
  output logic                   job_ready_o,
  input  logic                   job_has_rms_i,
  input  logic [31:0]            job_rms_addr_i,
  input  logic [31:0]            job_code_addr_i,
  input  logic [31:0]            job_words_i,   // 1 .. Rows / 2 * VectorLanes
  input  logic                   job_hi_i,
  output logic                   busy_o,        // a job taken, not all its beats written

  // Reader commands and beats (every beat while busy_o is this unit's; always taken).
  output logic                   rd_cmd_valid_o,
  input  logic                   rd_cmd_ready_i,
  output logic [31:0]            rd_cmd_addr_o,
  output logic [31:0]            rd_cmd_n_o,
  input  logic                   rd_valid_i,
  input  logic [DataW-1:0]       rd_data_i,

  // The write into a norm-weight slot: w_code's (we_code_o) or w_rms's.
  output logic                   we_o,
  output logic                   we_code_o,
  output logic [IdxW-1:0]        wrow_o,
  output logic [DataW-1:0]       wdata_o,
  output logic [VectorLanes-1:0] wmask_o
);

  localparam int unsigned HalfRows = Rows / 2;

  typedef enum logic [1:0] {StIdle, StCmd, StBeats} state_e;
  state_e          state_q;
  logic            code_q;     // the vector being read is w_code (else w_rms)
  logic [31:0]     code_addr_q, words_q, left_q;  // left_q: words of the vector still to land
  logic [31:0]     addr_q;
  logic [IdxW-1:0] base_q, row_q;

  assign job_ready_o = state_q == StIdle;
  assign busy_o = state_q != StIdle;

  always_ff @(posedge clk_i) begin : fsm_reg
    if (!rst_ni) begin
      state_q <= StIdle;
      code_q <= 1'b0;
      code_addr_q <= '0;
      words_q <= '0;
      left_q <= '0;
      addr_q <= '0;
      base_q <= '0;
      row_q <= '0;
    end else begin
      unique case (state_q)
        StIdle: begin
          if (job_valid_i) begin
            code_q <= !job_has_rms_i;
            addr_q <= job_has_rms_i ? job_rms_addr_i : job_code_addr_i;
            code_addr_q <= job_code_addr_i;
            words_q <= job_words_i;
            base_q <= job_hi_i ? IdxW'(HalfRows) : '0;
            state_q <= StCmd;
          end
        end
        StCmd: begin
          left_q <= words_q;
          row_q <= base_q;
          if (rd_cmd_ready_i) state_q <= StBeats;
        end
        default: begin  // StBeats
          if (rd_valid_i) begin
            row_q <= row_q + 1'b1;
            left_q <= left_q - 32'(VectorLanes);
            if (left_q <= 32'(VectorLanes)) begin  // the vector's last beat
              if (code_q) begin
                state_q <= StIdle;
              end else begin
                code_q <= 1'b1;
                addr_q <= code_addr_q;
                state_q <= StCmd;
              end
            end
          end
        end
      endcase
    end
  end

  assign rd_cmd_valid_o = state_q == StCmd;
  assign rd_cmd_addr_o = addr_q;
  assign rd_cmd_n_o = words_q;

  assign we_o = state_q == StBeats && rd_valid_i;
  assign we_code_o = code_q;
  assign wrow_o = row_q;
  assign wdata_o = rd_data_i;
  for (genvar k = 0; k < VectorLanes; k++) begin : g_mask
    assign wmask_o[k] = left_q > 32'(k);
  end

`ifndef SYNTHESIS
  initial begin
    if (Rows % 2 != 0) $error("mmf_norm_fetch: Rows (%0d) must be even", Rows);
  end
  // A vector fits a half slot.
  words_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
                            job_valid_i && job_ready_o |->
                            job_words_i != '0 && job_words_i <= 32'(HalfRows * VectorLanes));
  // No reader beat before the command was taken.
  beat_a: assert property (@(posedge clk_i) disable iff (!rst_ni)
                           rd_valid_i && busy_o |-> state_q == StBeats);
`endif

endmodule
