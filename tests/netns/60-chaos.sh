#!/usr/bin/env bash
# 60: the chaos suite (tests/netns/chaos/run, its header says what it does
# and asserts) at its CI size: 30 faults, every kind twice in an order drawn
# from a new seed each run (printed, with the command that replays it).
# CHAOS_FAULTS, CHAOS_SEED and CHAOS_CLOCK_JUMP=0 change it; a larger run:
# `tests/netns/chaos/run --faults 200`.
# It jumps the host's wall clock (clockjump), which every other file's waits and logs see:
# alone in a parallel run (tests/netns/run).
# vt-alone
exec bash "$(dirname "$0")/chaos/run" --faults "${CHAOS_FAULTS:-30}" "$@"
