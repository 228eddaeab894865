// Test builds only (fault_injection.h). In a release build this file compiles to nothing.
#include "core/fault_injection.h"

#ifdef STRAND_FAULT_INJECTION
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string>

namespace strand {

namespace {

constexpr const char* kNames[] = {"thread-start", "row-alloc", "exec-throw", "thread-loop",
                                  "backup-step",  "function-args", "deliver"};
static_assert(sizeof(kNames) / sizeof(kNames[0]) == static_cast<size_t>(FaultPoint::kCount), "one name per point");

struct Counter {
  std::atomic<long> skip{0};
  std::atomic<long> fail{0};
};

struct Faults {
  Counter counters[static_cast<size_t>(FaultPoint::kCount)];

  Faults() {
    const char* spec = std::getenv("STRAND_FAULTS");
    if (spec == nullptr) return;
    std::string text(spec);
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find(',', start);
      if (end == std::string::npos) end = text.size();
      std::string item = text.substr(start, end - start);
      start = end + 1;
      size_t equals = item.find('=');
      if (equals == std::string::npos) continue;
      std::string name = item.substr(0, equals);
      long count = std::strtol(item.c_str() + equals + 1, nullptr, 10);
      size_t at = item.find('@', equals);
      long skip = at == std::string::npos ? 0 : std::strtol(item.c_str() + at + 1, nullptr, 10);
      for (size_t i = 0; i < static_cast<size_t>(FaultPoint::kCount); i++) {
        if (name == kNames[i]) {
          counters[i].skip = skip;
          counters[i].fail = count;
        }
      }
    }
  }
};

Faults& Instance() {
  // Process-wide on purpose (test builds only): the scenario's environment is process-wide too.
  static Faults faults;
  return faults;
}

// Takes one from `value` if it is positive.
bool TakeOne(std::atomic<long>& value) {
  long current = value.load();
  while (current > 0) {
    if (value.compare_exchange_weak(current, current - 1)) return true;
  }
  return false;
}

}  // namespace

namespace {
std::atomic<long> live_cores{0};
}  // namespace

void CountLiveCore(int delta) noexcept { live_cores += delta; }
long LiveCores() noexcept { return live_cores.load(); }

void LoadFaults() noexcept {
  try {
    Instance();
  } catch (...) {
  }
}

bool FaultTriggered(FaultPoint point) noexcept {
  try {
    Counter& counter = Instance().counters[static_cast<size_t>(point)];
    if (TakeOne(counter.skip)) return false;
    return TakeOne(counter.fail);
  } catch (...) {
    return false;
  }
}

}  // namespace strand
#endif
