#!/usr/bin/env bash
# A single-node Slurm "cluster" on localhost, for tests and for trying the Slurm templates without a
# real cluster (Debian 12, run as root, no systemd or cgroups needed).
#
#   scripts/slurm/local-cluster.sh start  WORKDIR   install if missing, start munged + slurmctld + slurmd
#   scripts/slurm/local-cluster.sh status WORKDIR   show daemon PIDs and `sinfo`
#   scripts/slurm/local-cluster.sh stop   WORKDIR   stop the daemons this script started (by PID)
#
# Everything lives in WORKDIR: slurm.conf, state, spool, logs, PID files, a private munge key and
# socket (so it never touches /etc/munge or /run/munge, and cannot clash with a system munged).
# After `start`, `source WORKDIR/env.sh` points sbatch/squeue/scontrol at this cluster (SLURM_CONF).
#
# Isolation: every daemon binds to 127.0.0.1 only (SlurmctldHost=localhost(127.0.0.1) and
# CommunicationParameters=NoCtldInAddrAny,NoInAddrAny; checked with `ss` after start). Ports come
# from SLURMCTLD_PORT / SLURMD_PORT, or are picked free at random. NCPUS overrides the CPU count.
# On failure `start` prints the daemon logs, stops what it started and exits non-zero.
set -euo pipefail

usage() { echo "usage: $0 start|stop|status WORKDIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
CMD=$1
W=$(mkdir -p "$2" && cd "$2" && pwd)
S=$W/slurm
M=$W/munge
P=$W/pids

T0=$(date +%s%N)
say() { printf '[local-cluster %6d ms] %s\n' $(( ($(date +%s%N) - T0) / 1000000 )) "$*"; }

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
pid_of() { [ -s "$P/$1" ] && cat "$P/$1" || true; }

stop_all() {
  # Only the PIDs this script recorded; slurmd first so no job is left orphaned by a missing ctld.
  for name in slurmd slurmctld munged; do
    local pid; pid=$(pid_of "$name")
    if alive "$pid"; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 100); do alive "$pid" || break; sleep 0.1; done
      alive "$pid" && kill -9 "$pid" 2>/dev/null || true
      say "stopped $name (pid $pid)"
    fi
    rm -f "$P/$name"
  done
}

dump_logs() {
  for f in "$M/munged.log" "$M/munged.out" "$S/log/slurmctld.log" "$S/log/slurmctld.out" \
           "$S/log/slurmd.log" "$S/log/slurmd.out"; do
    [ -s "$f" ] && { echo "----- $f (last 60 lines)"; tail -n 60 "$f"; }
  done
  return 0
}

fail() { echo "local-cluster: $*" >&2; dump_logs >&2; stop_all >&2; exit 1; }

port_free() { [ -z "$(ss -ltnH "sport = :$1" 2>/dev/null)" ]; }
pick_port() {
  local p
  for _ in $(seq 200); do
    p=$(( 20000 + RANDOM % 30000 ))
    port_free "$p" && port_free $((p + 1)) && { echo "$p"; return 0; }
  done
  echo "no free port found" >&2; return 1
}

case "$CMD" in
  stop) stop_all; exit 0 ;;
  status)
    for name in munged slurmctld slurmd; do
      pid=$(pid_of "$name"); if alive "$pid"; then echo "$name: running (pid $pid)"; else echo "$name: stopped"; fi
    done
    if [ -f "$W/env.sh" ]; then . "$W/env.sh"; sinfo 2>&1 || true; fi
    exit 0 ;;
  start) ;;
  *) usage ;;
esac

[ "$(id -u)" = 0 ] || { echo "local-cluster: start needs root (munged runs as user munge, slurm as root)" >&2; exit 1; }
for name in munged slurmctld slurmd; do
  alive "$(pid_of "$name")" && { echo "local-cluster: $name already running for $W; stop it first" >&2; exit 1; }
done

# ---- 1. install (Debian packages slurm-wlm pieces + munge) ---------------------------------------
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null \
   || ! command -v munged >/dev/null; then
  say "installing slurmctld slurmd slurm-client munge"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
fi
say "$(slurmctld -V)"

rm -rf "$S" "$M" "$P"
mkdir -p "$S"/{state,spool,log} "$M" "$P"

# ---- 2. munge: private key and socket in WORKDIR ----------------------------------------------------
# munged wants its socket dir owned by munge, not group/other-writable, and executable by all (clients
# of every user connect to the socket), so WORKDIR itself must be traversable too.
chmod a+x "$W"
chown munge:munge "$M"; chmod 0755 "$M"
runuser -u munge -- mungekey --create --keyfile="$M/munge.key" 2>"$M/mungekey.err" \
  || fail "mungekey failed: $(cat "$M/mungekey.err")"
MUNGE_SOCKET=$M/munge.socket
# setpriv execs (no fork), so $! is munged itself; all output to files so no caller pipe is held open.
setsid setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged --foreground \
  --socket="$MUNGE_SOCKET" --key-file="$M/munge.key" --pid-file="$M/munged.pid" \
  --seed-file="$M/munged.seed" --log-file="$M/munged.log" </dev/null >"$M/munged.out" 2>&1 &
echo $! >"$P/munged"
for _ in $(seq 100); do [ -S "$MUNGE_SOCKET" ] && break; alive "$(pid_of munged)" || break; sleep 0.1; done
[ -S "$MUNGE_SOCKET" ] || fail "munged did not create its socket"
munge --socket="$MUNGE_SOCKET" -n | unmunge --socket="$MUNGE_SOCKET" >/dev/null || fail "munge round trip failed"
say "munged up (pid $(pid_of munged))"

# ---- 3. slurm.conf ---------------------------------------------------------------------------------
CTLD_PORT=${SLURMCTLD_PORT:-$(pick_port)}
SLURMD_PORT=${SLURMD_PORT:-$((CTLD_PORT + 1))}
export SLURM_CONF=$S/slurm.conf
cat >"$SLURM_CONF" <<EOF
ClusterName=hashsim-local
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET
# bind to 127.0.0.1, not INADDR_ANY (NoCtldInAddrAny: slurmctld; NoInAddrAny: slurmd and clients)
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
# no slurmdbd: a flat-file record of finished jobs instead of sacct
JobCompType=jobcomp/filetxt
JobCompLoc=$S/log/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=1
MpiDefault=none
ReturnToService=2
MailProg=/bin/true
MinJobAge=300
NodeName=localhost NodeAddr=127.0.0.1 CPUs=${NCPUS:-$(nproc)} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
cat >"$W/env.sh" <<EOF
# source this to use the local cluster: sbatch, squeue, scontrol, sinfo read SLURM_CONF
export SLURM_CONF=$SLURM_CONF
EOF

# ---- 4. daemons (foreground mode, backgrounded, PIDs recorded) ------------------------------------
setsid slurmctld -D -i </dev/null >"$S/log/slurmctld.out" 2>&1 &
echo $! >"$P/slurmctld"
for _ in $(seq 150); do
  scontrol ping 2>/dev/null | grep -q UP && break
  alive "$(pid_of slurmctld)" || break
  sleep 0.1
done
scontrol ping 2>/dev/null | grep -q UP || fail "slurmctld did not come up"
if ss -ltnH "sport = :$CTLD_PORT" | grep -qvE '127\.0\.0\.1:'; then
  ss -ltn >&2; fail "slurmctld is not bound to loopback only"
fi
setsid slurmd -D -N localhost </dev/null >"$S/log/slurmd.out" 2>&1 &
echo $! >"$P/slurmd"
for _ in $(seq 200); do
  sinfo -h -o %T 2>/dev/null | grep -qE '^idle' && break
  alive "$(pid_of slurmd)" || break
  sleep 0.1
done
sinfo -h -o %T 2>/dev/null | grep -qE '^idle' || { sinfo >&2 || true; fail "slurmd did not register as idle"; }
if ss -ltnH "sport = :$SLURMD_PORT" | grep -qvE '127\.0\.0\.1:'; then
  ss -ltn >&2; fail "slurmd is not bound to loopback only"
fi
say "up: munged=$(pid_of munged) slurmctld=$(pid_of slurmctld) slurmd=$(pid_of slurmd) ports=$CTLD_PORT,$SLURMD_PORT: $(sinfo -h -o '%P %a %D %T %C')"
echo "SLURM_CONF=$SLURM_CONF"
