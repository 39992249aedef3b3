// What the race cases (races/*.cpp) use: launch a kernel on the OS-thread emulator, make inputs,
// and register a family's cases. Each races/<family>.cpp is compiled with kernels/<family>.cu
// included (LLMKIT_KERNEL_SOURCE), so every launch is type-checked against the kernel's signature.
#pragma once
#include <functional>
#include <stdint.h>
#include <vector>

namespace race {
// Runs `body` (the kernel call) once per GPU thread, block after block; prints "launched <kernel>".
// False when LLMKIT_RACE_KERNELS leaves the kernel out (then its outputs are not to be checked).
bool launch(const char* kernel, dim3 grid, dim3 block, const std::function<void()>& body);

// Deterministic inputs (a fixed-seed LCG): values in [lo, hi), integers in [lo, hi).
std::vector<float> uniform(size_t n, float lo, float hi);
std::vector<int> integers(size_t n, int lo, int hi);

// Fails the run (exit 4) when a result is wrong: the shuffles and barriers of the thread model
// must compute what the kernels compute on the GPU, or a clean run would prove little.
void expect_near(const char* what, double got, double want, double tol);

struct Registrar {
  Registrar(const char* family, void (*cases)());
};
}  // namespace race

inline dim3 dims(unsigned x, unsigned y = 1, unsigned z = 1) { return dim3{x, y, z}; }

// LAUNCH(kernel, grid, block, args...): the kernel's name comes from the call itself, so the
// names the program prints are the functions it really ran.
#define LAUNCH(kernel, grid, block, ...) ::race::launch(#kernel, grid, block, [&] { kernel(__VA_ARGS__); })

// RACE_CASES("layer-norm") { ... }: the cases of one kernel family, run by `races layer-norm`.
#define RACE_CASES_CAT2(a, b) a##b
#define RACE_CASES_CAT(a, b) RACE_CASES_CAT2(a, b)
#define RACE_CASES(family)                                                                      \
  static void RACE_CASES_CAT(race_cases_, __LINE__)();                                          \
  static ::race::Registrar RACE_CASES_CAT(race_registrar_, __LINE__)(family, RACE_CASES_CAT(race_cases_, __LINE__)); \
  static void RACE_CASES_CAT(race_cases_, __LINE__)()
