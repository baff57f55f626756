#!/bin/sh
# The timers of compose.yaml's `timers` service (a host uses systemd timers or cron instead):
# reminders that are due every 15 minutes (each is sent once), the catalogue refresh once a
# night after 03:00 local time.
set -u
refreshed=""
while true; do
    approdo send-survey-reminders || echo "survey reminders failed; next try in 15 minutes" >&2
    approdo send-report-reminders || echo "report reminders failed; next try in 15 minutes" >&2
    today="$(date +%F)"
    if [ "$(date +%H)" -ge 3 ] && [ "$refreshed" != "$today" ]; then
        approdo refresh-catalogue && refreshed="$today" \
            || echo "catalogue refresh failed; next try in 15 minutes" >&2
    fi
    sleep 900
done
