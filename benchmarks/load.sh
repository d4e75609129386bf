#!/usr/bin/env bash
# Case 7 of BENCHMARKS.md: gunicorn on the benchmark database, then locust headless: API intake at full
# speed, then the mixed workload of 50 staff. Results in var/bench/load-*.csv and load-summary.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to the benchmark database}"
export DEBUG=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false ALLOWED_HOSTS=127.0.0.1
export SECRET_KEY="${SECRET_KEY:-bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz}"
# The cache that production shares between its processes (permissions are kept there).
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
WORKERS="${WORKERS:-2}" PORT="${PORT:-8100}" OUT=var/bench
INTAKE_USERS="${INTAKE_USERS:-24}" MIXED_USERS="${MIXED_USERS:-50}"
INTAKE_TIME="${INTAKE_TIME:-60s}" MIXED_TIME="${MIXED_TIME:-240s}"
# Staff arrive one a second (a log-in costs ~0.5 s of CPU: PBKDF2 with Django's 1,000,000 iterations), and
# the mixed workload's figures are its steady state, counted from when the last has arrived (--reset-stats).
SPAWN_RATE="${SPAWN_RATE:-1}"
mkdir -p "$OUT"
.venv/bin/python manage.py collectstatic --no-input -v 0
# API tokens of the intake clerks: one hotline clerk per outlet, from the last centres, away from centre
# 01 that `make bench` reads as its supervisor (a minute of intake adds ~6,000 orders to their outlets).
INTAKE_TOKENS="$(.venv/bin/python manage.py shell -c "
from core.models import User
from core.services import api_token_create
users = User.objects.filter(username__regex=r'^bench-[0-9]+-[0-9]+-hotline-0$').order_by('-username')[:$INTAKE_USERS]
print(' '.join(api_token_create(user=u, name='bench-load', days=1)[1] for u in users))
" | tail -1)"
export INTAKE_TOKENS
.venv/bin/gunicorn config.wsgi -w "$WORKERS" -b "127.0.0.1:$PORT" --pid "$OUT/gunicorn.pid" \
  --access-logfile /dev/null --error-logfile "$OUT/gunicorn.log" --daemon
trap 'kill "$(cat "$OUT/gunicorn.pid")" 2>/dev/null || true; kill "$SAMPLER" 2>/dev/null || true' EXIT
sleep 3
# This run's gunicorn only: its master (the pid file) and the workers it forked.
ours() { local master; master="$(cat "$OUT/gunicorn.pid")"; echo "$master" $(pgrep -P "$master"); }
# CPU seconds used so far by this run's gunicorn processes.
server_cpu() { local total=0; for pid in $(ours); do total=$(( total + $(ps -o times= -p "$pid" || echo 0) )); done; echo "$total"; }
# Peak resident memory of one of this run's gunicorn processes, sampled every second.
( peak=0; while true; do
    for pid in $(ours); do
      rss=$(ps -o rss= -p "$pid" 2>/dev/null || echo 0); [ "${rss:-0}" -gt "$peak" ] && peak=$rss
    done; echo "$peak" > "$OUT/gunicorn-peak-rss-kb"; sleep 1; done ) &
SAMPLER=$!
LOCUST=(.venv/bin/locust -f benchmarks/locustfile.py --headless --host "http://127.0.0.1:$PORT" --only-summary)
# The load generator runs on the same cores: its own CPU (bash's `time`) is reported beside the server's.
TIMEFORMAT="%U %S"
before=$(server_cpu)
{ time "${LOCUST[@]}" IntakeClerk -u "$INTAKE_USERS" -r "$INTAKE_USERS" -t "$INTAKE_TIME" --csv "$OUT/load-intake" \
  > "$OUT/load-intake.txt" 2>&1 || true; } 2> "$OUT/load-intake-locust-cpu"
INTAKE_SERVER_CPU=$(( $(server_cpu) - before ))
"${LOCUST[@]}" FrontDesk Hotline Dispatcher Engineer Supervisor -u "$MIXED_USERS" -r "$SPAWN_RATE" -t "$MIXED_TIME" \
  --reset-stats --csv "$OUT/load-mixed" > "$OUT/load-mixed.txt" 2>&1 || true
{
  echo "gunicorn workers: $WORKERS; intake users: $INTAKE_USERS for $INTAKE_TIME; mixed users: $MIXED_USERS for" \
    "$MIXED_TIME, arriving $SPAWN_RATE a second (figures from when all have arrived)"
  echo "peak RSS of a gunicorn process: $(( $(cat "$OUT/gunicorn-peak-rss-kb") / 1024 )) MB"
  read -r user system < "$OUT/load-intake-locust-cpu"
  echo "intake CPU seconds: gunicorn $INTAKE_SERVER_CPU, the load generator (locust) user $user + system $system"
  echo "--- intake"; grep -E "Aggregated|create order" "$OUT/load-intake_stats.csv" || true
  echo "--- mixed"; cat "$OUT/load-mixed_stats.csv"
} > "$OUT/load-summary.txt"
cat "$OUT/load-summary.txt"
