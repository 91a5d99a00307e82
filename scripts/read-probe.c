// SPDX-License-Identifier: Apache-2.0
// An independent read-bandwidth probe, sharing no code with mmf: a tight AVX2 load loop over a
// buffer, one pinned thread per CPU given, each first touching its own share; prints the best
// of the timed passes in GB/s. Built and run by scripts/bandwidth-check.sh.
//   read-probe BYTES THREADS PASSES
#define _GNU_SOURCE
#include <immintrin.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static char* buf;
static size_t bytes_total;
static int nthreads;
static pthread_barrier_t barrier;
static volatile long long sink;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int passes;
static double* pass_seconds;

static void* worker(void* arg) {
  const long t = (long)arg;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET((int)(t % sysconf(_SC_NPROCESSORS_ONLN)), &set);
  pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
  const size_t share = bytes_total / (size_t)nthreads / 256 * 256;
  char* p = buf + (size_t)t * share;
  // First touch, untimed: every word written (pages touched by one byte each read slower on
  // this VM, about 57 against 72 GB/s).
  for (size_t i = 0; i < share; i += 8) *(uint64_t*)(p + i) = i;
  __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
  for (int k = 0; k <= passes; ++k) {  // pass 0 warms up
    pthread_barrier_wait(&barrier);
    const double t0 = now();
    for (size_t i = 0; i < share; i += 128) {
      a0 = _mm256_xor_si256(a0, _mm256_load_si256((const __m256i*)(p + i)));
      a1 = _mm256_xor_si256(a1, _mm256_load_si256((const __m256i*)(p + i + 32)));
      a2 = _mm256_xor_si256(a2, _mm256_load_si256((const __m256i*)(p + i + 64)));
      a3 = _mm256_xor_si256(a3, _mm256_load_si256((const __m256i*)(p + i + 96)));
    }
    pthread_barrier_wait(&barrier);
    if (t == 0 && k > 0) pass_seconds[k - 1] = now() - t0;
  }
  a0 = _mm256_xor_si256(_mm256_xor_si256(a0, a1), _mm256_xor_si256(a2, a3));
  sink += _mm256_extract_epi64(a0, 0);
  return NULL;
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: read-probe BYTES THREADS PASSES\n");
    return 2;
  }
  bytes_total = strtoull(argv[1], NULL, 10);
  nthreads = atoi(argv[2]);
  passes = atoi(argv[3]);
  if (bytes_total < (1u << 20) || nthreads < 1 || passes < 1) {
    fprintf(stderr, "read-probe: BYTES >= 1 MiB, THREADS >= 1, PASSES >= 1\n");
    return 2;
  }
  buf = aligned_alloc(4096, (bytes_total + 4095) / 4096 * 4096);
  pass_seconds = calloc((size_t)passes, sizeof(double));
  if (!buf || !pass_seconds) return 1;
  pthread_barrier_init(&barrier, NULL, (unsigned)nthreads);
  pthread_t th[256];
  if (nthreads > 256) return 2;
  for (long t = 0; t < nthreads; ++t) pthread_create(&th[t], NULL, worker, (void*)t);
  for (int t = 0; t < nthreads; ++t) pthread_join(th[t], NULL);
  const double read = (double)(bytes_total / (size_t)nthreads / 256 * 256) * nthreads;
  double best = 1e30;
  for (int k = 0; k < passes; ++k) best = pass_seconds[k] < best ? pass_seconds[k] : best;
  printf("%.3f\n", read / best / 1e9);
  return 0;
}
