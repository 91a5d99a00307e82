// SPDX-License-Identifier: Apache-2.0
// Legality of one op descriptor for this build; mirrors check_descriptor() of
// hls/include/mmf_hls/program_format.hpp case for case, so that the controller stops on a bad
// descriptor with the same status code as the HLS kernel and the host. Combinational.
module mmf_descriptor_check #(
  parameter int unsigned MaxVector = 16384,
  parameter int unsigned Lanes = 16,
  parameter int unsigned WeightChannels = 2
) (
  input  logic [32*mmf_format_pkg::DescriptorWords-1:0] desc_i,  // word k in [32k+31:32k]
  input  logic [31:0]                                   vec_words_i,
  input  logic [31:0]                                   weight_words_i,
  output logic [7:0]                                    status_o   // StatusOk or the problem
);

  localparam logic [63:0] NoAddress = 64'(mmf_format_pkg::NoAddress);

  function automatic logic [31:0] word(input int unsigned k);
    word = desc_i[32*k +: 32];
  endfunction

  function automatic logic buffer_ok(input logic [31:0] id);
    buffer_ok = id < mmf_format_pkg::NumBuffers;
  endfunction

  // addr + words stays inside the vector bank.
  function automatic logic vec_ok(input logic [31:0] addr, input logic [63:0] words);
    vec_ok = 64'(addr) + words <= 64'(vec_words_i);
  endfunction

  logic [31:0] op, n, rows, dst;
  logic [63:0] norm_words, weight_words_needed;
  logic        to_memory, reserved_zero;

  assign op = word(mmf_format_pkg::FieldOpcode);
  assign n = word(mmf_format_pkg::FieldN);
  assign rows = word(mmf_format_pkg::FieldRows);
  assign dst = word(mmf_format_pkg::FieldDst);
  assign to_memory = dst == mmf_format_pkg::DstMemory;
  assign norm_words = (64'(n) + 1) / 2;
  localparam logic [63:0] Channels64 = 64'(WeightChannels);
  localparam logic [63:0] Lanes64 = 64'(Lanes);
  assign weight_words_needed = ((64'(rows) + Channels64 - 1) / Channels64) *
                               ((64'(n) + Lanes64 - 1) / Lanes64);
  assign reserved_zero = desc_i[32*mmf_format_pkg::DescriptorWords-1:
                                32*mmf_format_pkg::FieldReservedBegin] == '0;

  always_comb begin
    status_o = mmf_format_pkg::StatusOk;
    if (op < mmf_format_pkg::OpcodeMin || op > mmf_format_pkg::OpcodeMax) begin
      status_o = mmf_format_pkg::StatusBadOpcode;
    end else if (!reserved_zero) begin
      status_o = mmf_format_pkg::StatusBadField;
    end else if (n == 0 || n > MaxVector) begin
      status_o = mmf_format_pkg::StatusBadLength;
    end else begin
      unique case (op)
        mmf_format_pkg::OpEmbed: begin
          if (!buffer_ok(dst)) status_o = mmf_format_pkg::StatusBadBuffer;
          else if (rows == 0) status_o = mmf_format_pkg::StatusBadLength;
          else if (!vec_ok(word(mmf_format_pkg::FieldAddr0), 64'(rows) * norm_words) ||
                   !vec_ok(word(mmf_format_pkg::FieldAddr1), 64'd1)) begin
            status_o = mmf_format_pkg::StatusBadVecAddress;
          end
        end
        mmf_format_pkg::OpBitLinear: begin
          if (!buffer_ok(word(mmf_format_pkg::FieldSrc0)) || (!to_memory && !buffer_ok(dst))) begin
            status_o = mmf_format_pkg::StatusBadBuffer;
          end else if (rows == 0 || rows > mmf_format_pkg::MaxRows ||
                       (!to_memory && rows > MaxVector)) begin
            status_o = mmf_format_pkg::StatusBadLength;
          end else if (word(mmf_format_pkg::FieldMant) >= mmf_format_pkg::MantLimit ||
                       $signed(word(mmf_format_pkg::FieldExp)) < -mmf_format_pkg::ExpLimit ||
                       $signed(word(mmf_format_pkg::FieldExp)) > mmf_format_pkg::ExpLimit) begin
            status_o = mmf_format_pkg::StatusBadField;
          end else if ((64'(word(mmf_format_pkg::FieldAddr0)) != NoAddress &&
                        !vec_ok(word(mmf_format_pkg::FieldAddr0), norm_words)) ||
                       !vec_ok(word(mmf_format_pkg::FieldAddr1), norm_words) ||
                       (to_memory && !vec_ok(word(mmf_format_pkg::FieldAddr2), 64'(rows)))) begin
            status_o = mmf_format_pkg::StatusBadVecAddress;
          end else if (64'(word(mmf_format_pkg::FieldWeight)) + weight_words_needed >
                       64'(weight_words_i)) begin
            status_o = mmf_format_pkg::StatusBadWeightRange;
          end
        end
        mmf_format_pkg::OpMlgru: begin
          if (!buffer_ok(word(mmf_format_pkg::FieldSrc0)) ||
              !buffer_ok(word(mmf_format_pkg::FieldSrc1)) ||
              !buffer_ok(word(mmf_format_pkg::FieldSrc2)) || !buffer_ok(dst)) begin
            status_o = mmf_format_pkg::StatusBadBuffer;
          end else if (!vec_ok(word(mmf_format_pkg::FieldAddr0), 64'(n)) ||
                       (64'(word(mmf_format_pkg::FieldAddr1)) != NoAddress &&
                        !vec_ok(word(mmf_format_pkg::FieldAddr1), 64'(n)))) begin
            status_o = mmf_format_pkg::StatusBadVecAddress;
          end
        end
        mmf_format_pkg::OpGlu: begin
          if (!buffer_ok(word(mmf_format_pkg::FieldSrc0)) || !buffer_ok(dst)) begin
            status_o = mmf_format_pkg::StatusBadBuffer;
          end else if (64'(n) * 2 > 64'(MaxVector)) begin
            status_o = mmf_format_pkg::StatusBadLength;
          end
        end
        mmf_format_pkg::OpAdd: begin
          if (!buffer_ok(word(mmf_format_pkg::FieldSrc0)) || !buffer_ok(dst)) begin
            status_o = mmf_format_pkg::StatusBadBuffer;
          end
        end
        default: begin  // OpStore
          if (!buffer_ok(word(mmf_format_pkg::FieldSrc0))) begin
            status_o = mmf_format_pkg::StatusBadBuffer;
          end else if (!vec_ok(word(mmf_format_pkg::FieldAddr0), 64'(n))) begin
            status_o = mmf_format_pkg::StatusBadVecAddress;
          end
        end
      endcase
    end
  end

endmodule
