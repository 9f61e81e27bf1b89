// SPDX-License-Identifier: MIT
// public_api: one SDK header compiled alone, with include/ as Roost's only include
// path (tests/sdk/meson.build builds this once per header), as libcamera's
// test/public-api checks its API: each header must bring what it uses. Included twice,
// so that a header without #pragma once fails too.
#include ROOST_SDK_HEADER
#include ROOST_SDK_HEADER
