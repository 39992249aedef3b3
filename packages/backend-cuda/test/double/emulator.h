// The kernel table of the CPU double: each kernels/*.cu entry point with a launcher that unpacks
// cuLaunchKernel's void** parameters into the function's typed arguments.
#pragma once
#include <stddef.h>
#include <type_traits>
#include <utility>

struct EmuKernel {
  const char* name;
  void* fn;
  void (*run)(void* fn, void** params);
  int arity;
};

template <typename... A>
struct EmuLauncher {
  template <size_t... I>
  static void call(void (*f)(A...), void** p, std::index_sequence<I...>) {
    f(*static_cast<std::remove_cv_t<std::remove_reference_t<A>>*>(p[I])...);
  }
  static void run(void* fn, void** params) { call(reinterpret_cast<void (*)(A...)>(fn), params, std::index_sequence_for<A...>{}); }
};

template <typename... A>
EmuKernel emu_kernel(const char* name, void (*f)(A...)) {
  return EmuKernel{name, reinterpret_cast<void*>(f), &EmuLauncher<A...>::run, (int)sizeof...(A)};
}

struct EmuRegistrar {
  EmuRegistrar(const EmuKernel* kernels, int count);
};

#define EMU_KERNEL(name) emu_kernel(#name, &name)

extern "C" const EmuKernel* emu_find_kernel(const char* name);
extern "C" int emu_launch(const EmuKernel* k, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz, void** params);
