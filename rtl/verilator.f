// Verilator's options for every model of the kernel and of its units: sim/CMakeLists.txt,
// tests/CMakeLists.txt and the verilator backend's kernel cache pass this file with -F (so the
// waiver file below is found next to it). The machine's rule: one thread, -O3, X as fast.
-O3
--x-assign fast
--x-initial fast
--threads 1
-Wall
lint.vlt
