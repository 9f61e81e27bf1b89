// SPDX-License-Identifier: MIT
// sd_notify for a Type=notify systemd unit; does nothing when not run by systemd
// or when built without libsystemd.
#pragma once

namespace roost::daemon {

void notify_ready();
void notify_stopping();

}  // namespace roost::daemon
