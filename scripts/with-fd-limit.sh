#!/usr/bin/env bash
# Runs a command with the open-file limit raised to the hard limit (benchmarks hold thousands of
# sockets; each is a file descriptor).
ulimit -n "$(ulimit -Hn)"
exec "$@"
