// SPDX-License-Identifier: MIT
// PluginElf: what a plugin file's ELF dynamic symbol table says of its descriptor,
// read from the file before dlopen(), which runs the library's static constructors.
#pragma once

#include <filesystem>

namespace roost::core {

struct DescriptorPeek {
    // Unreadable: no 64-bit ELF shared object of this machine's byte order (dlopen()
    // then says why it cannot load it).
    enum class Kind { Unreadable, NoDescriptor, Found } kind = Kind::Unreadable;
    // Read only when Found. The descriptor's first field, an int that needs no
    // relocation: the rest holds pointers, which only the loader fills in.
    int abi_version = 0;
};

// Looks `symbol` up among the defined dynamic symbols of the library at `path`.
DescriptorPeek peek_descriptor(const std::filesystem::path& path, const char* symbol);

}  // namespace roost::core
