"""``de06 vneid-api``: the VNeID API simulator."""

from __future__ import annotations

import click

_RATE = click.FloatRange(0.0, 1.0)


@click.group("vneid-api")
def vneid_api() -> None:
    """The VNeID health-book API simulator (FastAPI + uvicorn, store in the vneid database)."""


@vneid_api.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8600, show_default=True, type=click.IntRange(0, 65535), help="TCP port.")
@click.option(
    "--latency-ms", default=0.0, show_default=True, type=click.FloatRange(0), help="Added latency per call."
)
@click.option(
    "--jitter",
    default=0.25,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Latency jitter as a fraction (0.25 = +/-25%).",
)
@click.option("--error-rate", default=0.0, show_default=True, type=_RATE, help="Share of calls answered 5xx.")
@click.option("--throttle-rate", default=0.0, show_default=True, type=_RATE, help="Share answered 429.")
@click.option(
    "--retry-after-s",
    default=1,
    show_default=True,
    type=click.IntRange(0),
    help="Retry-After seconds on 429 and while down.",
)
@click.option(
    "--drop-rate",
    default=0.0,
    show_default=True,
    type=_RATE,
    help="Share of calls whose connection is dropped without a response.",
)
@click.option(
    "--timeout-after-accept-rate",
    default=0.0,
    show_default=True,
    type=_RATE,
    help="Share of entry pushes stored, then held --timeout-sleep-s and dropped.",
)
@click.option(
    "--timeout-sleep-s",
    default=30.0,
    show_default=True,
    type=click.FloatRange(0),
    help="How long a timeout-after-accept call is held.",
)
@click.option("--down", is_flag=True, help="Answer every call 503 (switch off via POST /admin/faults).")
@click.option("--seed", type=int, default=None, help="Seed of the fault draws (reproducible runs).")
@click.option(
    "--token-ttl-s", default=3600.0, show_default=True, type=click.FloatRange(1), help="Token lifetime."
)
@click.option(
    "--admin-token",
    default="admin",
    show_default=True,
    envvar="DE06_VNEID_ADMIN_TOKEN",
    help="X-Admin-Token for /admin/* (env DE06_VNEID_ADMIN_TOKEN).",
)
@click.option(
    "--seed-accounts",
    is_flag=True,
    help="First copy every citizen's VNeID account state from dancu into vneid.account.",
)
@click.option(
    "--dancu-lookup/--no-dancu-lookup",
    default=True,
    show_default=True,
    help="Fall back to a live read-only dancu lookup for owners not in vneid.account.",
)
@click.option(
    "--log-level",
    default="warning",
    show_default=True,
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
)
def serve(
    host: str,
    port: int,
    latency_ms: float,
    jitter: float,
    error_rate: float,
    throttle_rate: float,
    retry_after_s: int,
    drop_rate: float,
    timeout_after_accept_rate: float,
    timeout_sleep_s: float,
    down: bool,
    seed: int | None,
    token_ttl_s: float,
    admin_token: str,
    seed_accounts: bool,
    dancu_lookup: bool,
    log_level: str,
) -> None:
    """Serve the API until Ctrl-C. Clients: bhxh-gateway/bhxh-secret, clinic-<MA_CSKCB>/clinic-secret."""
    from de06.db import migrate
    from de06.simulators.vneid_api.app import Settings
    from de06.simulators.vneid_api.faults import Faults
    from de06.simulators.vneid_api.server import bind
    from de06.simulators.vneid_api.server import serve as run

    faults = Faults(
        latency_ms=latency_ms,
        jitter=jitter,
        error_rate=error_rate,
        throttle_rate=throttle_rate,
        retry_after_s=retry_after_s,
        drop_rate=drop_rate,
        timeout_after_accept_rate=timeout_after_accept_rate,
        timeout_sleep_s=timeout_sleep_s,
        down=down,
        seed=seed,
    )
    bind(host, port).close()  # fail fast, before migrations, when the port is taken
    migrate.upgrade(("vneid",))
    if seed_accounts:
        _seed_accounts()
    run(
        host,
        port,
        faults=faults,
        settings=Settings(token_ttl_s=token_ttl_s, admin_token=admin_token),
        dancu_lookup=dancu_lookup,
        log_level=log_level,
        on_ready=lambda url: click.echo(
            f"VNeID API simulator on {url} (OpenAPI: {url}/openapi.json)", err=True
        ),
    )


def _seed_accounts() -> None:
    from tqdm import tqdm

    from de06.simulators.vneid_api.store import Store

    store = Store(dancu_lookup=False)
    try:
        with tqdm(
            desc="seed accounts from dancu", unit=" citizens", file=click.get_text_stream("stderr")
        ) as bar:
            n = store.seed_accounts_from_dancu(progress=bar.update)
    finally:
        store.close()
    click.echo(f"{n} account(s) seeded from dancu", err=True)
