// SPDX-License-Identifier: MIT
// Systemd: READY=1 once the socket listens, STOPPING=1 on the way out.
#include "src/daemon/Systemd.hpp"

#ifdef ROOST_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace roost::daemon {

#ifdef ROOST_HAVE_SYSTEMD
void notify_ready() { sd_notify(0, "READY=1"); }
void notify_stopping() { sd_notify(0, "STOPPING=1"); }
#else
void notify_ready() {}
void notify_stopping() {}
#endif

}  // namespace roost::daemon
