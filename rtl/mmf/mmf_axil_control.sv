// SPDX-License-Identifier: Apache-2.0
// s_axi_control: the AXI4-Lite slave of the kernel with the Vitis ap_ctrl_chain map
// (UG1399): 0x00 control (bit0 ap_start, bit1 ap_done clear-on-read, bit2 ap_idle, bit3 ap_ready
// clear-on-read, bit4 ap_continue, bit7 auto_restart), 0x04 GIE, 0x08 IER (bit0 done, bit1
// ready), 0x0C ISR (toggle on write). Then this kernel's registers:
//   0x10 + 8 i   scalar argument i (read/write)
//   0x100 + 8 j  pointer argument j, low word at +0, high word at +4 (read/write)
//   0x400 + 8 k  counter k, low word at +0, high word at +4 (read only)
// (mmf_control_pkg's ScalarRegBase, PointerRegBase, CounterRegBase, from kernel_regs.hpp.)
// Reads of other addresses return 0; writes to them are ignored (both answer OKAY).
module mmf_axil_control #(
  parameter int unsigned NumScalars = 4,   // scalar arguments (registers 0x10 + 8 i)
  parameter int unsigned NumPointers = 3,  // 64-bit pointer arguments
  parameter int unsigned NumCounters = 4,  // 64-bit read-only counters
  localparam int unsigned AddrWidth = 12
) (
  input  logic                 clk_i,
  input  logic                 rst_ni,

  // AXI4-Lite slave
  input  logic                 aw_valid_i,
  output logic                 aw_ready_o,
  input  logic [AddrWidth-1:0] aw_addr_i,
  input  logic                 w_valid_i,
  output logic                 w_ready_o,
  input  logic [31:0]          w_data_i,
  input  logic [3:0]           w_strb_i,
  output logic                 b_valid_o,
  input  logic                 b_ready_i,
  output logic [1:0]           b_resp_o,
  input  logic                 ar_valid_i,
  output logic                 ar_ready_o,
  input  logic [AddrWidth-1:0] ar_addr_i,
  output logic                 r_valid_o,
  input  logic                 r_ready_i,
  output logic [31:0]          r_data_o,
  output logic [1:0]           r_resp_o,

  // Kernel side: a start pulse when the kernel is idle and ap_start is set; done from the
  // kernel when a run ends. Arguments hold their values; counters are sampled on read. Vectors
  // are flat (argument i in bits [32i+31:32i], pointer j and counter k in [64j+63:64j]): Yosys
  // 0.23 reads no unpacked ports.
  output logic                        start_o,
  input  logic                        done_i,
  output logic [32*NumScalars-1:0]    scalars_o,
  output logic [64*NumPointers-1:0]   pointers_o,
  input  logic [64*NumCounters-1:0]   counters_i,
  output logic                        interrupt_o
);

  localparam logic [AddrWidth-1:0] AddrCtrl = 12'h000;
  localparam logic [AddrWidth-1:0] AddrGie = 12'h004;
  localparam logic [AddrWidth-1:0] AddrIer = 12'h008;
  localparam logic [AddrWidth-1:0] AddrIsr = 12'h00C;
  localparam int unsigned ScalarBase = mmf_control_pkg::ScalarRegBase;
  localparam int unsigned PointerBase = mmf_control_pkg::PointerRegBase;
  localparam int unsigned CounterBase = mmf_control_pkg::CounterRegBase;

  logic        start_q, done_q, ready_q, running_q, waiting_continue_q, auto_restart_q;
  logic        gie_q;
  logic [1:0]  ier_q, isr_q;
  logic [32*NumScalars-1:0]  scalars_q;
  logic [64*NumPointers-1:0] pointers_q;
  logic        b_valid_q, r_valid_q;
  logic [31:0] r_data_q;

  logic        write, read, idle, launch;
  logic [31:0] read_data;

  // One write when address and data are both present; one read at a time.
  assign write = aw_valid_i && w_valid_i && !b_valid_q;
  assign aw_ready_o = write;
  assign w_ready_o = write;
  assign read = ar_valid_i && !r_valid_q;
  assign ar_ready_o = read;

  // ap_ctrl_chain: a new run starts when started, not running and the last done was continued.
  assign idle = !running_q;
  assign launch = start_q && !running_q && !waiting_continue_q;
  assign start_o = launch;

  always_comb begin
    read_data = '0;
    unique case (ar_addr_i)
      AddrCtrl: read_data = {24'b0, auto_restart_q, 3'b0, ready_q, idle, done_q, start_q};
      AddrGie: read_data = {31'b0, gie_q};
      AddrIer: read_data = {30'b0, ier_q};
      AddrIsr: read_data = {30'b0, isr_q};
      default: begin
        for (int unsigned i = 0; i < NumScalars; i++) begin
          if (32'(ar_addr_i) == ScalarBase + 8 * i) read_data = scalars_q[32*i +: 32];
        end
        for (int unsigned j = 0; j < NumPointers; j++) begin
          if (32'(ar_addr_i) == PointerBase + 8 * j) read_data = pointers_q[64*j +: 32];
          if (32'(ar_addr_i) == PointerBase + 8 * j + 4) read_data = pointers_q[64*j+32 +: 32];
        end
        for (int unsigned k = 0; k < NumCounters; k++) begin
          if (32'(ar_addr_i) == CounterBase + 8 * k) read_data = counters_i[64*k +: 32];
          if (32'(ar_addr_i) == CounterBase + 8 * k + 4) read_data = counters_i[64*k+32 +: 32];
        end
      end
    endcase
  end

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      start_q <= 1'b0;
      done_q <= 1'b0;
      ready_q <= 1'b0;
      running_q <= 1'b0;
      waiting_continue_q <= 1'b0;
      auto_restart_q <= 1'b0;
      gie_q <= 1'b0;
      ier_q <= '0;
      isr_q <= '0;
      scalars_q <= '0;
      pointers_q <= '0;
      b_valid_q <= 1'b0;
      r_valid_q <= 1'b0;
      r_data_q <= '0;
    end else begin
      // Kernel events.
      if (launch) begin
        running_q <= 1'b1;
        ready_q <= 1'b1;
        start_q <= auto_restart_q;
        if (ier_q[1]) isr_q[1] <= 1'b1;
      end
      if (done_i && running_q) begin
        running_q <= 1'b0;
        done_q <= 1'b1;
        waiting_continue_q <= 1'b1;
        if (ier_q[0]) isr_q[0] <= 1'b1;
      end
      // Register reads: done and ready clear when read.
      if (read) begin
        r_valid_q <= 1'b1;
        r_data_q <= read_data;
        if (ar_addr_i == AddrCtrl) begin
          // An event of this very cycle survives the read that clears the last one.
          done_q <= done_i && running_q;
          ready_q <= launch;
        end
      end else if (r_ready_i) begin
        r_valid_q <= 1'b0;
      end
      // Register writes (whole words; the strobes must all be set).
      if (write) begin
        b_valid_q <= 1'b1;
        if (w_strb_i == 4'hF) begin
          unique case (aw_addr_i)
            AddrCtrl: begin
              if (w_data_i[0]) start_q <= 1'b1;
              if (w_data_i[4]) waiting_continue_q <= 1'b0;
              auto_restart_q <= w_data_i[7];
            end
            AddrGie: gie_q <= w_data_i[0];
            AddrIer: ier_q <= w_data_i[1:0];
            AddrIsr: isr_q <= isr_q ^ w_data_i[1:0];
            default: begin
              for (int unsigned i = 0; i < NumScalars; i++) begin
                if (32'(aw_addr_i) == ScalarBase + 8 * i) scalars_q[32*i +: 32] <= w_data_i;
              end
              for (int unsigned j = 0; j < NumPointers; j++) begin
                if (32'(aw_addr_i) == PointerBase + 8 * j) pointers_q[64*j +: 32] <= w_data_i;
                if (32'(aw_addr_i) == PointerBase + 8 * j + 4) begin
                  pointers_q[64*j+32 +: 32] <= w_data_i;
                end
              end
            end
          endcase
        end
      end else if (b_ready_i) begin
        b_valid_q <= 1'b0;
      end
    end
  end

  assign b_valid_o = b_valid_q;
  assign b_resp_o = 2'b00;
  assign r_valid_o = r_valid_q;
  assign r_data_o = r_data_q;
  assign r_resp_o = 2'b00;
  assign scalars_o = scalars_q;
  assign pointers_o = pointers_q;
  assign interrupt_o = gie_q && |(isr_q & ier_q);

endmodule
