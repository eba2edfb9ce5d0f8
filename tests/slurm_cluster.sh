#!/usr/bin/env bash
# A real single-node Slurm from Debian's packages (munge, slurmctld, slurmd),
# everything in DIR: no systemd, no /etc. Used by tests/slurm_test.sh.
#
#   tests/slurm_cluster.sh start DIR [MAX_ARRAY_SIZE]   # then SLURM_CONF=DIR/slurm.conf
#   tests/slurm_cluster.sh stop DIR
#
# start waits until the node is idle (or fails, printing the daemons' logs).
set -euo pipefail

cmd=${1:?usage: slurm_cluster.sh start|stop DIR [MAX_ARRAY_SIZE]}
dir=${2:?usage: slurm_cluster.sh start|stop DIR [MAX_ARRAY_SIZE]}

stop() {
  # Only the daemons this script started, by the pids they wrote.
  for name in slurmd slurmctld munged; do
    if [ -f "$dir/$name.pid" ]; then
      pid=$(cat "$dir/$name.pid" 2>/dev/null || true)
      if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
      fi
      rm -f "$dir/$name.pid"
    fi
  done
}

# A free TCP port (bound then released).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

logs() {
  for f in "$dir"/munged.log "$dir"/slurmctld.log "$dir"/slurmd.log; do
    [ -f "$f" ] && { echo "== $f"; tail -n 30 "$f"; }
  done >&2
}

case "$cmd" in
stop)
  stop
  exit 0
  ;;
start) ;;
*)
  echo "usage: slurm_cluster.sh start|stop DIR [MAX_ARRAY_SIZE]" >&2
  exit 2
  ;;
esac

max_array=${3:-1001}
for tool in munged mungekey slurmctld slurmd sbatch scontrol; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || {
    echo "slurm_cluster.sh: $tool is missing (tools/setup.sh installs slurm-wlm and munge)" >&2
    exit 1
  }
done
export PATH="$PATH:/usr/sbin"
mkdir -p "$dir"/state "$dir"/spool "$dir"/munge
chmod 700 "$dir"/munge

# munge: a key of its own, a socket in DIR (munged refuses lax permissions;
# --force lets it run as root with the files in a temporary folder).
mungekey --create --keyfile="$dir/munge/munge.key" --force
chmod 400 "$dir/munge/munge.key"
munged --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
  --pid-file="$dir/munged.pid" --log-file="$dir/munged.log" \
  --seed-file="$dir/munge/munge.seed" --force
for _ in $(seq 50); do [ -S "$dir/munge/munge.socket" ] && break; sleep 0.1; done

host=$(hostname -s)
ctld_port=$(free_port)
slurmd_port=$(free_port)
while [ "$slurmd_port" = "$ctld_port" ]; do slurmd_port=$(free_port); done
cat >"$dir/slurm.conf" <<EOF
ClusterName=forumtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/slurmctld.log
SlurmdLogFile=$dir/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MaxArraySize=$max_array
MailProg=/bin/true
InactiveLimit=0
KillWait=5
MinJobAge=600
# Launch the next array tasks as soon as CPUs free up (Slurm's default lets
# batch scheduling lag by up to 3 s, long against a shard of a second).
SchedulerParameters=sched_min_interval=0,batch_sched_delay=0
NodeName=$host NodeAddr=127.0.0.1 CPUs=2 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$dir/slurm.conf"

# -i: ignore any state of an earlier run; the daemons fork into the
# background and write their pid files.
slurmctld -i -f "$dir/slurm.conf" || { logs; stop; exit 1; }
slurmd -f "$dir/slurm.conf" || { logs; stop; exit 1; }

for _ in $(seq 150); do
  state=$(sinfo -h -N -o '%T' 2>/dev/null | head -n1 || true)
  if [ "$state" = "idle" ]; then
    echo "slurm: node $host idle; SLURM_CONF=$dir/slurm.conf" >&2
    exit 0
  fi
  sleep 0.2
done
echo "slurm_cluster.sh: the node did not become idle (state '${state:-}')" >&2
logs
stop
exit 1
