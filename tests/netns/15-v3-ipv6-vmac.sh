#!/usr/bin/env bash
# 15: VRRPv3 IPv6 with a virtual MAC — election, cable pull, preempt back, graceful
# stop, vipd with vipd and with keepalived both ways, tshark on every packet.
# The body is mode-body.sh.
VT_MODE=v3-ipv6-vmac
# shellcheck source=tests/netns/mode-body.sh
. "$(dirname "$0")/mode-body.sh"
