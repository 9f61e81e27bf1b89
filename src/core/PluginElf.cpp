// SPDX-License-Identifier: MIT
// PluginElf: the section headers lead to .dynsym and its string table; the symbol's
// address, within its section, leads to the bytes of abi_version in the file.
#include "src/core/PluginElf.hpp"

#include <elf.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <optional>
#include <system_error>
#include <vector>

namespace roost::core {
namespace {

// Reads arrays of ELF structures at file offsets, refusing any that would reach past
// the end of the file, so that a damaged file cannot ask for a huge allocation.
class ElfReader {
public:
    explicit ElfReader(const std::filesystem::path& path) : file_(path, std::ios::binary) {
        std::error_code error;
        size_ = std::filesystem::file_size(path, error);
        if (error) size_ = 0;
    }

    template <class T>
    std::optional<std::vector<T>> array(std::uint64_t offset, std::uint64_t count) {
        if (count > size_ / sizeof(T) || offset > size_ - count * sizeof(T)) return std::nullopt;
        std::vector<T> items(count);
        file_.seekg(static_cast<std::streamoff>(offset));
        file_.read(reinterpret_cast<char*>(items.data()),
                   static_cast<std::streamsize>(count * sizeof(T)));
        if (!file_) return std::nullopt;
        return items;
    }

private:
    std::ifstream file_;
    std::uint64_t size_ = 0;
};

bool is_native_shared_object(const Elf64_Ehdr& header) {
    const bool little_endian = __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__;
    return std::memcmp(header.e_ident, ELFMAG, SELFMAG) == 0 &&
           header.e_ident[EI_CLASS] == ELFCLASS64 &&
           header.e_ident[EI_DATA] == (little_endian ? ELFDATA2LSB : ELFDATA2MSB) &&
           header.e_type == ET_DYN && header.e_shentsize == sizeof(Elf64_Shdr);
}

}  // namespace

DescriptorPeek peek_descriptor(const std::filesystem::path& path, const char* symbol) {
    using Kind = DescriptorPeek::Kind;
    ElfReader file(path);
    auto header = file.array<Elf64_Ehdr>(0, 1);
    if (!header || !is_native_shared_object(header->front())) return {};
    auto sections = file.array<Elf64_Shdr>(header->front().e_shoff, header->front().e_shnum);
    if (!sections) return {};
    for (const Elf64_Shdr& table : *sections) {
        if (table.sh_type != SHT_DYNSYM || table.sh_link >= sections->size()) continue;
        const Elf64_Shdr& strings = (*sections)[table.sh_link];
        auto symbols = file.array<Elf64_Sym>(table.sh_offset, table.sh_size / sizeof(Elf64_Sym));
        auto names = file.array<char>(strings.sh_offset, strings.sh_size);
        if (!symbols || !names || names->empty()) return {};
        names->back() = '\0';  // every name ends inside the table
        for (const Elf64_Sym& entry : *symbols) {
            if (entry.st_shndx == SHN_UNDEF || entry.st_shndx >= sections->size() ||
                entry.st_name >= names->size() || std::strcmp(&(*names)[entry.st_name], symbol))
                continue;
            const Elf64_Shdr& home = (*sections)[entry.st_shndx];
            if (home.sh_type == SHT_NOBITS || entry.st_value < home.sh_addr) return {};
            auto abi = file.array<int>(home.sh_offset + (entry.st_value - home.sh_addr), 1);
            if (!abi) return {};
            return {Kind::Found, abi->front()};
        }
        return {Kind::NoDescriptor};
    }
    return {};  // no section headers (stripped): dlsym() decides
}

}  // namespace roost::core
