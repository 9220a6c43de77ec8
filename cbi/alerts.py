"""Alerts: a Slack incoming webhook and SMTP e-mail, both optional, once per event per day.

Configured only by environment variables (never logged, never stored):

| variable | meaning |
|---|---|
| `CBI_SLACK_WEBHOOK_URL` | Slack incoming-webhook URL |
| `CBI_SMTP_HOST`, `CBI_SMTP_PORT` | SMTP server (port default 587) |
| `CBI_SMTP_SECURITY` | `starttls` (default), `ssl` or `none` |
| `CBI_SMTP_USER`, `CBI_SMTP_PASSWORD` | login, when the server needs one |
| `CBI_ALERT_FROM`, `CBI_ALERT_TO` | sender, and comma-separated recipients |

An event is (kind, key, message). `ops.alerts_sent` remembers what went out each day, so a
re-run on the same day does not repeat an alert; an event that could not be delivered is not
recorded and is tried again by the next run.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

import duckdb

from common.errors import ExtractorError
from common.http import post_json, session

log = logging.getLogger(__name__)

SLACK_VARIABLE = "CBI_SLACK_WEBHOOK_URL"
SMTP_HOST_VARIABLE = "CBI_SMTP_HOST"

ALERTS_DDL = """
create schema if not exists ops;
create table if not exists ops.alerts_sent (
    alert_day date not null,
    kind      varchar not null,
    key       varchar not null,
    message   varchar not null,
    channels  varchar not null,
    sent_at   timestamptz not null,
    primary key (alert_day, kind, key)
);
"""


@dataclass(frozen=True)
class Event:
    """Something a user must hear about: a failed run, a stale source, a lost bucket, ...

    `kind` and `key` identify it within a day (e.g. ("source_stale", "fred")).
    """

    kind: str
    key: str
    message: str


def channels() -> list[str]:
    """The configured delivery channels, by name."""
    configured = []
    if os.environ.get(SLACK_VARIABLE):
        configured.append("slack")
    if os.environ.get(SMTP_HOST_VARIABLE):
        configured.append("email")
    return configured


def send_alerts(
    con: duckdb.DuckDBPyConnection, events: list[Event], today: dt.date
) -> tuple[int, list[str]]:
    """Deliver the events not yet sent today; return (sent, delivery failures as lines)."""
    con.execute(ALERTS_DDL)
    sent_today = {
        (kind, key)
        for kind, key in con.execute(
            "select kind, key from ops.alerts_sent where alert_day = ?", [today]
        ).fetchall()
    }
    fresh = [event for event in events if (event.kind, event.key) not in sent_today]
    configured = channels()
    if fresh and not configured:
        log.warning(
            "alerts: %d event(s), but no channel is configured (set %s or %s)",
            len(fresh),
            SLACK_VARIABLE,
            SMTP_HOST_VARIABLE,
        )
        return 0, []
    sent, failures = 0, []
    for event in fresh:
        delivered, errors = _deliver(event, configured)
        failures.extend(errors)
        if delivered:
            con.execute(
                "insert into ops.alerts_sent values (?, ?, ?, ?, ?, now())",
                [today, event.kind, event.key, event.message, ",".join(delivered)],
            )
            sent += 1
    return sent, failures


def _deliver(event: Event, configured: list[str]) -> tuple[list[str], list[str]]:
    """Send one event on every channel; return (channels that took it, failure lines)."""
    delivered, failures = [], []
    for channel in configured:
        try:
            (_to_slack if channel == "slack" else _to_email)(event)
            delivered.append(channel)
        except (ExtractorError, OSError, smtplib.SMTPException) as exc:
            failures.append(f"alert by {channel} failed: {exc}")
    return delivered, failures


def _text(event: Event) -> str:
    return f"cbi {event.kind.replace('_', ' ')}: {event.message}"


def _to_slack(event: Event) -> None:
    webhook = os.environ[SLACK_VARIABLE]
    post_json(session(), "slack", webhook, {"text": _text(event)}, shown="the webhook")


def _to_email(event: Event) -> None:
    recipients = [r.strip() for r in os.environ.get("CBI_ALERT_TO", "").split(",") if r.strip()]
    if not recipients:
        raise ExtractorError("set CBI_ALERT_TO to the alert recipients (comma-separated)")
    message = EmailMessage()
    message["Subject"] = _text(event)[:120]
    message["From"] = os.environ.get("CBI_ALERT_FROM", "cbi@localhost")
    message["To"] = ", ".join(recipients)
    message.set_content(_text(event))
    host = os.environ[SMTP_HOST_VARIABLE]
    port = int(os.environ.get("CBI_SMTP_PORT", "587"))
    security = os.environ.get("CBI_SMTP_SECURITY", "starttls")
    smtp_class = smtplib.SMTP_SSL if security == "ssl" else smtplib.SMTP
    with smtp_class(host, port, timeout=30) as smtp:
        if security == "starttls":
            smtp.starttls()
        if os.environ.get("CBI_SMTP_USER"):
            smtp.login(os.environ["CBI_SMTP_USER"], os.environ.get("CBI_SMTP_PASSWORD", ""))
        smtp.send_message(message)
