#!/usr/bin/env bash
# 12: VRRPv3 IPv6 (link-local VIP first, ff02::12) — election, cable pull, preempt back, graceful
# stop, vipd with vipd and with keepalived both ways, tshark on every packet.
# The body is mode-body.sh.
VT_MODE=v3-ipv6
# shellcheck source=tests/netns/mode-body.sh
. "$(dirname "$0")/mode-body.sh"
