// SPDX-License-Identifier: MIT
// Test module "no_descriptor": a valid shared library that is not a Roost plugin.
extern "C" __attribute__((visibility("default"))) int no_descriptor_answer() { return 42; }
