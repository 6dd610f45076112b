"""Alerts by email through an Airflow 3 notifier (``airflow.sdk.bases.notifier.BaseNotifier``).

Use on any DAG::

    from de06.alerts import failure_notifier
    @dag(..., on_failure_callback=failure_notifier(dataset="province_status"))

and for a breached suite threshold (from a task, a CLI, anywhere)::

    from de06.alerts import notify_breach
    notify_breach("judicial_cleaned", "du", 91.5, 99.0, report_url,
                  expectations=["expect_table_row_count_to_equal"])  # the failed critical ones

The subject reads ``<dataset> / <dimension> <score> < <threshold>`` only when the score is below
the threshold; a dimension breached by a failed critical expectation alone says so instead.

``skip_if``: an optional predicate ``skip_if(context) -> str | None``; when it returns a text the
mail is not sent and the text is logged at WARNING instead (e.g. the health DAGs hold the alerts of
an outage's later runs, :mod:`de06.health.outage`). A predicate that raises does not stop the mail.

The message names the DAG (and run, task), the dataset, the dimension (đúng/đủ/sạch/sống) and the
link to the report. It never carries a raw personal ID or name: exception texts are reduced to the
exception type, or, for a :class:`de06.errors.De06Error` (written to be shown), its one line with
every run of 9+ digits masked.

SMTP settings, first found wins:

1. the Airflow connection ``smtp_default`` (or ``smtp_conn_id``), e.g.
   ``AIRFLOW_CONN_SMTP_DEFAULT='smtp://mail.example:25?disable_ssl=true&disable_tls=true&from_email=airflow%40example.org'``
   (only ``true`` disables: the smtp provider treats any non-empty extra as true) — sent with the
   smtp provider's ``SmtpHook``;
2. Airflow's ``[smtp]`` settings: ``AIRFLOW__SMTP__SMTP_HOST``, ``AIRFLOW__SMTP__SMTP_PORT``,
   ``AIRFLOW__SMTP__SMTP_STARTTLS``, ``AIRFLOW__SMTP__SMTP_SSL``, ``AIRFLOW__SMTP__SMTP_MAIL_FROM`` —
   sent with ``airflow.utils.email.send_email_smtp``.

Recipients: ``to=`` or ``DE06_ALERT_TO`` (comma-separated; default ``de06-oncall@localhost``).
Sender: ``from_email=`` or ``DE06_ALERT_FROM`` (default ``airflow@de06.local``).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from html import escape
from typing import Any

from airflow.sdk.bases.notifier import BaseNotifier

log = logging.getLogger(__name__)

DIMENSIONS = {
    "dung": "đúng (validity, accuracy)",
    "du": "đủ (completeness)",
    "sach": "sạch (uniqueness, consistency)",
    "song": "sống (freshness)",
    "overall": "overall",
}
_DIGITS = re.compile(r"\d{9,}")


def _mask_digits(text: str) -> str:
    return _DIGITS.sub(lambda m: m.group(0)[:3] + "*" * (len(m.group(0)) - 5) + m.group(0)[-2:], text)


def safe_error(exc: BaseException | None) -> str | None:
    """What of an exception may appear in an alert: its type, plus the line of a De06Error."""
    if exc is None:
        return None
    from de06.errors import De06Error

    if isinstance(exc, De06Error):
        return f"{type(exc).__name__}: {_mask_digits(exc.line())}"
    return type(exc).__name__


def recipients(to: str | list[str] | None = None) -> list[str]:
    if to:
        return [to] if isinstance(to, str) else list(to)
    env = os.environ.get("DE06_ALERT_TO", "de06-oncall@localhost")
    return [a.strip() for a in env.split(",") if a.strip()]


def sender(from_email: str | None = None) -> str:
    return from_email or os.environ.get("DE06_ALERT_FROM", "airflow@de06.local")


def ui_run_url(dag_id: str | None, run_id: str | None) -> str | None:
    base = os.environ.get("AIRFLOW__API__BASE_URL")
    if not (base and dag_id):
        return None
    from urllib.parse import quote

    return f"{base.rstrip('/')}/dags/{quote(dag_id)}" + (f"/runs/{quote(run_id, safe='')}" if run_id else "")


def send_email(subject: str, html_body: str, *, to: list[str], from_email: str, smtp_conn_id: str) -> str:
    """Send; return which path was used ("connection" or "config")."""
    from airflow.sdk.bases.hook import BaseHook

    try:
        BaseHook.get_connection(smtp_conn_id)
        have_conn = True
    except Exception:  # AirflowNotFoundException and friends: fall back to [smtp] settings
        have_conn = False
    if have_conn:
        from airflow.providers.smtp.hooks.smtp import SmtpHook

        with SmtpHook(smtp_conn_id=smtp_conn_id) as hook:
            hook.send_email_smtp(to=to, from_email=from_email, subject=subject, html_content=html_body)
        return "connection"
    if not os.environ.get("AIRFLOW__SMTP__SMTP_HOST"):
        from de06.errors import ConfigError

        raise ConfigError(
            f"no SMTP server configured (connection {smtp_conn_id} absent, AIRFLOW__SMTP__SMTP_HOST unset)",
            "set AIRFLOW_CONN_SMTP_DEFAULT=smtp://host:port?disable_ssl=true&disable_tls=true or "
            "AIRFLOW__SMTP__SMTP_HOST/PORT",
        )
    from airflow.utils.email import send_email_smtp

    send_email_smtp(to=to, subject=subject, html_content=html_body, from_email=from_email, conn_id=None)
    return "config"


class De06EmailNotifier(BaseNotifier):
    """Email naming the DAG, the dataset, the dimension and the report link (see module docstring).

    ``dataset``/``dimension``/``score``/``threshold``/``report_url`` may be given up front; for a
    failure caused by ``de06.quality.QualityBreach`` they are taken from the breach's summary.
    ``skip_if(context)``: a reason not to mail this time (logged instead), or None.
    """

    template_fields = ("dataset", "dimension", "report_url")

    def __init__(
        self,
        *,
        dataset: str | None = None,
        dimension: str | None = None,
        score: float | None = None,
        threshold: float | None = None,
        report_url: str | None = None,
        kind: str | None = None,
        expectations: list[str] | None = None,
        to: str | list[str] | None = None,
        from_email: str | None = None,
        smtp_conn_id: str = "smtp_default",
        skip_if: Callable[[dict[str, Any]], str | None] | None = None,
    ):
        super().__init__()
        self.dataset = dataset
        self.dimension = dimension
        self.score = score
        self.threshold = threshold
        self.report_url = report_url
        self.kind = kind
        self.expectations = list(expectations or [])
        self.to = to
        self.from_email = from_email
        self.smtp_conn_id = smtp_conn_id
        self.skip_if = skip_if
        self.last_path: str | None = None
        self.last_skipped: str | None = None

    def render_template_fields(self, context, jinja_env=None) -> None:
        """As BaseNotifier's, but also when ``context["dag"]`` is a SerializedDAG (DAG-level callbacks
        under ``dag.test()`` in Airflow 3.3 pass one; it has no ``get_template_env``)."""
        dag = context.get("dag")
        if jinja_env is None and dag is not None and not hasattr(dag, "get_template_env"):
            jinja_env = self.get_template_env(dag=None)
        super().render_template_fields(context, jinja_env)

    # -- message ------------------------------------------------------------------------------
    def facts(self, context: dict[str, Any]) -> dict[str, Any]:
        dag = context.get("dag")
        dag_run = context.get("dag_run")
        ti = context.get("ti") or context.get("task_instance")
        exc = context.get("exception")
        dag_id = getattr(dag, "dag_id", None) or getattr(dag_run, "dag_id", None) or context.get("dag_id")
        run_id = getattr(dag_run, "run_id", None) or context.get("run_id")
        facts = {
            "kind": self.kind or ("breach" if self.score is not None else "failure"),
            "dag_id": dag_id,
            "run_id": run_id,
            "task_id": getattr(ti, "task_id", None),
            "dataset": self.dataset,
            "dimension": self.dimension,
            "score": self.score,
            "threshold": self.threshold,
            "report_url": self.report_url,
            "expectations": list(self.expectations),
            "error": safe_error(exc) if isinstance(exc, BaseException) else None,
            "reason": context.get("reason") if isinstance(context.get("reason"), str) else None,
        }
        summary = getattr(exc, "summary", None)
        if summary is not None:  # de06.quality.QualityBreach
            facts["dataset"] = facts["dataset"] or getattr(summary, "dataset", None)
            breaches = getattr(summary, "breaches", None) or []
            if breaches and not facts["dimension"]:
                from de06.quality.scoring import by_dimension

                b = by_dimension(breaches, getattr(summary, "thresholds", None))[0]
                facts["dimension"], facts["score"], facts["threshold"] = b.dimension, b.score, b.threshold
                facts["expectations"] = list(b.expectations)
            facts["report_url"] = (
                facts["report_url"]
                or getattr(summary, "report_url", None)
                or getattr(summary, "report_path", None)
            )
        facts["report_url"] = facts["report_url"] or ui_run_url(dag_id, run_id)
        return facts

    @staticmethod
    def compose(f: dict[str, Any]) -> tuple[str, str]:
        dim = DIMENSIONS.get(f["dimension"] or "", f["dimension"] or "—")
        crit = list(f.get("expectations") or [])
        if f["kind"] == "breach":
            subject = f"[de06] quality breach: {f['dataset'] or '?'} / {f['dimension'] or '?'}" + _cause(
                f["score"], f["threshold"], crit
            )
        else:
            subject = f"[de06] DAG {f['dag_id'] or '?'} failed" + (
                f" (dataset {f['dataset']})" if f["dataset"] else ""
            )
        rows = [
            ("DAG", f["dag_id"]),
            ("Run", f["run_id"]),
            ("Task", f["task_id"]),
            ("Dataset", f["dataset"]),
            ("Dimension", dim),
            ("Score", _num(f["score"])),
            ("Threshold", _num(f["threshold"])),
            ("Critical expectations failed", "; ".join(crit) or None),
            ("Error", f["error"]),
            ("Reason", f["reason"]),
        ]
        body = (
            "<h3>"
            + escape(subject)
            + "</h3><table>"
            + "".join(
                f"<tr><th align='left'>{escape(k)}</th><td>{escape(str(v))}</td></tr>"
                for k, v in rows
                if v not in (None, "—")
            )
            + "</table>"
        )
        link = f["report_url"]
        body += (
            f'<p>Report: <a href="{escape(link)}">{escape(link)}</a></p>'
            if link
            else "<p>Report: not available</p>"
        )
        return subject, body

    def _skipped(self, context: dict[str, Any]) -> str | None:
        """``skip_if``'s reason not to mail, or None; a predicate that fails never stops the mail."""
        if self.skip_if is None:
            return None
        try:
            why = self.skip_if(context)
        except Exception as exc:  # noqa: BLE001 - deciding not to mail must never lose an alert
            log.warning("alert: skip_if failed (%s); mailing as usual", safe_error(exc))
            return None
        return why if isinstance(why, str) and why else None

    def notify(self, context: dict[str, Any]) -> None:
        f = self.facts(context)
        self.last_skipped = why = self._skipped(context)
        if why:
            self.last_path = None
            log.warning(
                "alert not sent for DAG %s run %s: %s",
                f["dag_id"] or "?",
                f["run_id"] or "?",
                _mask_digits(why),
            )
            return
        subject, body = self.compose(f)
        self.last_path = send_email(
            subject,
            body,
            to=recipients(self.to),
            from_email=sender(self.from_email),
            smtp_conn_id=self.smtp_conn_id,
        )
        log.info("alert sent: %s", subject)


def _num(x: Any) -> str:
    if x is None:
        return "—"
    return f"{float(x):.1f}"


def _cause(score: Any, threshold: Any, crit: list[str]) -> str:
    """What breached, for the subject: ``" 75.0 < 100.0"`` only when the score is below the
    threshold (a missing threshold is never printed as a number), and the failed critical
    expectations; without a score below its threshold the breach is a critical expectation's."""
    below = score is not None and threshold is not None and float(score) < float(threshold)
    if len(crit) > 1:
        what = f"{len(crit)} critical expectations failed"
    elif crit:
        what = f"critical expectation failed: {crit[0]}"
    else:
        what = "" if below else ("critical expectation failed" if score is not None else "breached")
    if below:
        head = f" {_num(score)} < {_num(threshold)}"
    else:
        head = f" {_num(score)}" if score is not None else ""
    return head + (("," if below else ":") + f" {what}" if what else "")


def failure_notifier(dataset: str | None = None, **kwargs: Any) -> De06EmailNotifier:
    """``on_failure_callback`` for a DAG or task."""
    return De06EmailNotifier(dataset=dataset, kind="failure", **kwargs)


def notify_breach(
    dataset: str,
    dimension: str,
    score: float | None,
    threshold: float | None,
    report_url: str | None,
    *,
    dag_id: str | None = None,
    run_id: str | None = None,
    expectations: list[str] | None = None,
    **kwargs: Any,
) -> str:
    """Send a breach alert now; returns the SMTP path used ("connection" or "config").

    ``threshold``: the dimension's ``fail_below`` (None: it has none); ``expectations``: labels of
    the critical expectations that failed in the dimension (listed in the alert)."""
    n = De06EmailNotifier(
        dataset=dataset,
        dimension=dimension,
        score=score,
        threshold=threshold,
        report_url=report_url,
        kind="breach",
        expectations=expectations,
        **kwargs,
    )
    n({"dag_id": dag_id, "run_id": run_id})
    return n.last_path or ""
