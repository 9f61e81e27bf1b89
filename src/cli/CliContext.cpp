// SPDX-License-Identifier: MIT
// CliContext: calling the daemon and mapping its errors to exit codes.
#include "src/cli/CliContext.hpp"

#include "roost/Ipc.hpp"
#include "src/cli/ParseErrors.hpp"
#include "src/ipc/IpcClient.hpp"

#include <iostream>
#include <iterator>

namespace roost::cli {

nlohmann::json CliContext::call(const std::string& method, const nlohmann::json& params) const {
    ipc::IpcClient client(socket);
    return call(client, method, params);
}

nlohmann::json CliContext::call(ipc::IpcClient& client, const std::string& method,
                                const nlohmann::json& params) const {
    try {
        return client.call(method, params);
    } catch (const ipc::IpcCallError& e) {
        // Scripts reading --json output get the error there too, not only on stderr.
        if (json)
            std::cout
                << nlohmann::json{{"error",
                                   {{"code", e.code()}, {"message", e.what()}, {"data", e.data()}}}}
                       .dump(2)
                << "\n";
        throw;
    }
}

void CliContext::print(const nlohmann::json& result,
                       const std::function<void(const nlohmann::json&)>& human) const {
    if (json)
        std::cout << result.dump(2) << "\n";
    else
        human(result);
}

std::string read_stdin() {
    return {std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
}

int run_command(const std::function<void()>& body) {
    try {
        body();
        return kOk;
    } catch (const ipc::DaemonNotRunning& e) {
        std::cerr << "roost: " << e.what() << "\n";
        return kDaemonNotRunning;
    } catch (const ipc::IpcCallError& e) {
        std::cerr << "roost: " << e.what() << "\n";
        if (e.code() == rpc_error::kNotFound) return kNotFound;
        if (e.code() == rpc_error::kUnavailable) return kUnavailable;
        if (e.code() == rpc_error::kInvalidParams) return kUsage;
        return kFailed;
    } catch (const CLI::ParseError& e) {
        // A bad option value found while running (e.g. --option without '=').
        std::cerr << parse_error_line("roost", e) << "\n";
        return kUsage;
    } catch (const std::exception& e) {
        std::cerr << "roost: " << e.what() << "\n";
        return kFailed;
    }
}

}  // namespace roost::cli
