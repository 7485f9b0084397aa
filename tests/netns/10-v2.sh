#!/usr/bin/env bash
# 10: VRRPv2 (IPv4, auth_pass, 1 s adverts) — election, cable pull, preempt back, graceful
# stop, vipd with vipd and with keepalived both ways, tshark on every packet.
# The body is mode-body.sh.
VT_MODE=v2
# shellcheck source=tests/netns/mode-body.sh
. "$(dirname "$0")/mode-body.sh"
