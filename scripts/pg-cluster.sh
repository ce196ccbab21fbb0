#!/usr/bin/env bash
# Start or stop a throw-away PostgreSQL cluster on loopback for the tests and benchmarks.
#   scripts/pg-cluster.sh start DIR PORT   → prints the DATABASE_URL to use
#   scripts/pg-cluster.sh replica DIR PORT PRIMARY_PORT → a streaming replica of the cluster
#                                                        on PRIMARY_PORT; prints its DATABASE_URL
#   scripts/pg-cluster.sh stop DIR
# initdb refuses to run as root, so as root the cluster belongs to the postgres user.
set -euo pipefail

cmd=${1:?start|stop}
dir=$(realpath -m "${2:?cluster directory}")
port=${3:-55432}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bindir" ]; then
    echo "PostgreSQL is not installed: run scripts/system-deps.sh" >&2
    exit 1
fi

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# A cluster already running in DIR: print its URL and stop here. Otherwise: an empty DIR.
running_or_fresh_dir() {
    if [ -f "$dir/postmaster.pid" ] && as_owner "$bindir/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
        echo "postgres://postgres@127.0.0.1:$port/psephos"
        exit 0
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; fi
}

case "$cmd" in
start)
    running_or_fresh_dir
    as_owner "$bindir/initdb" -D "$dir" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
    as_owner "$bindir/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
        start >/dev/null
    as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres psephos
    echo "postgres://postgres@127.0.0.1:$port/psephos"
    ;;
replica)
    primary_port=${4:?port of the primary}
    running_or_fresh_dir
    chmod 700 "$dir"
    # -R writes standby.signal and primary_conninfo: the copy starts as a hot standby that
    # streams the primary's WAL (initdb's trust rules allow replication from loopback).
    as_owner "$bindir/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$dir" -R -X stream -c fast
    as_owner "$bindir/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c hot_standby=on -c max_connections=200" \
        start >/dev/null
    echo "postgres://postgres@127.0.0.1:$port/psephos"
    ;;
stop)
    if [ -d "$dir" ]; then
        as_owner "$bindir/pg_ctl" -D "$dir" -m immediate stop >/dev/null 2>&1 || true
        rm -rf "$dir"
    fi
    ;;
*)
    echo "usage: $0 start DIR PORT | replica DIR PORT PRIMARY_PORT | stop DIR" >&2
    exit 2
    ;;
esac
