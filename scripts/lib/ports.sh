# shellcheck shell=bash
# Sourced by scripts/free-port and scripts/stop-services: the one way the workshop's scripts find
# what listens on a TCP port. ss (Linux, package iproute2), else lsof (macOS), else fuser
# (psmisc). None of them is required: without them the callers say what they cannot tell. Bash
# 3.2 (macOS) runs it: no mapfile, no empty array expanded.

have() { command -v "$1" >/dev/null 2>&1; }

# True when one of ss, lsof or fuser is here to tell who listens on a port.
port_tool_here() { have ss || have lsof || have fuser; }

# What to say where none of them is.
port_tool_missing() {
  echo "none of ss, lsof or fuser is installed to tell what listens there (Debian/Ubuntu: apt-get install iproute2; macOS has lsof)"
}

# The pids of this user's processes listening on TCP port $1, on one line (empty: none, or no
# tool to tell; port_tool_here says which). Errors are dropped: a tool that fails tells nothing.
port_listeners() {
  local pids=""
  if have ss; then
    pids="$(ss -Htlnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u)" || true
  elif have lsof; then
    pids="$(lsof -t -nP -iTCP:"$1" -sTCP:LISTEN 2>/dev/null | sort -u)" || true
  elif have fuser; then
    # fuser writes the pids on stdout and the port's name on stderr.
    pids="$(fuser -n tcp "$1" 2>/dev/null | tr -s ' \t' '\n' | grep -E '^[0-9]+$' | sort -u)" || true
  fi
  echo "${pids//$'\n'/ }"
}

# True while anything (anyone's) listens on TCP port $1. Without ss, a connection to it tells.
port_in_use() {
  if have ss; then
    [ -n "$(ss -Htln "sport = :$1" 2>/dev/null)" ]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

# The name of process $1 (e.g. module03), or "a process" where nothing can tell.
process_name() {
  local name
  name="$(ps -o comm= -p "$1" 2>/dev/null || cat "/proc/$1/comm" 2>/dev/null)" || true
  echo "${name:-a process}"
}
