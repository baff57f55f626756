#!/bin/sh
# The reminders timer of compose.yaml: both commands send only what is due, once.
set -u
while true; do
    approdo send-survey-reminders || echo "survey reminders failed; next try in 15 minutes" >&2
    approdo send-report-reminders || echo "report reminders failed; next try in 15 minutes" >&2
    sleep 900
done
