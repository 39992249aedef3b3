// The race-check program: runs the registered cases of the kernel families named on the command
// line (all when none), each launch with one OS thread per GPU thread, under ThreadSanitizer.
// Exit status: 0 when every family ran; ThreadSanitizer's exitcode when it reported anything.
#include "cuda-emulation.h"
#include "race-harness.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <string>
#include <utility>

namespace race {
static std::vector<std::pair<std::string, void (*)()>>& families() {
  static std::vector<std::pair<std::string, void (*)()>> table;
  return table;
}

Registrar::Registrar(const char* family, void (*cases)()) { families().emplace_back(family, cases); }

static uint64_t state = 0x9e3779b97f4a7c15ull;
static uint32_t next() {
  state = state * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)(state >> 33);
}

std::vector<float> uniform(size_t n, float lo, float hi) {
  std::vector<float> v(n);
  for (auto& x : v) x = lo + (hi - lo) * (float)(next() % 1000003) / 1000003.f;
  return v;
}

void expect_near(const char* what, double got, double want, double tol) {
  if (fabs(got - want) <= tol) return;
  fprintf(stderr, "llmkit race check: wrong result: %s = %.9g, expected %.9g (tolerance %g)\n", what, got, want, tol);
  exit(4);
}

std::vector<int> integers(size_t n, int lo, int hi) {
  std::vector<int> v(n);
  for (auto& x : v) x = lo + (int)(next() % (uint32_t)(hi - lo));
  return v;
}
}  // namespace race

int main(int argc, char** argv) {
  auto& table = race::families();
  for (int i = 1; i < argc; i++) {
    bool known = false;
    for (auto& f : table) known = known || f.first == argv[i];
    if (!known) {
      fprintf(stderr, "llmkit race check: no cases for kernel family '%s'\n", argv[i]);
      return 2;
    }
  }
  for (auto& f : table) {
    bool wanted = argc == 1;
    for (int i = 1; i < argc; i++) wanted = wanted || f.first == argv[i];
    if (!wanted) continue;
    printf("family %s\n", f.first.c_str());
    fflush(stdout);
    f.second();
  }
  return 0;
}
