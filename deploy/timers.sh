#!/bin/sh
# The timers of compose.yaml's `timers` service (a host uses systemd timers or cron instead):
# reminders that are due every 15 minutes (each is sent once), the catalogue refresh and the
# anonymisation of old event registrations once a night after 03:00 local time.
set -u
refreshed=""
while true; do
    approdo send-survey-reminders || echo "survey reminders failed; next try in 15 minutes" >&2
    approdo send-report-reminders || echo "report reminders failed; next try in 15 minutes" >&2
    approdo send-event-reminders || echo "event reminders failed; next try in 15 minutes" >&2
    today="$(date +%F)"
    if [ "$(date +%H)" -ge 3 ] && [ "$refreshed" != "$today" ]; then
        approdo refresh-catalogue && approdo purge-registrations && refreshed="$today" \
            || echo "catalogue refresh or registration purge failed; next try in 15 minutes" >&2
    fi
    sleep 900
done
