"""The VNeID API simulator: FastAPI routes (health-book entries, consents, reads, tokens, admin).

Contract (the push flow codes against it):

- ``POST /oauth/token`` (form ``client_id``, ``client_secret``) -> bearer token. Clients:
  ``bhxh-gateway``/``bhxh-secret`` (role gateway: push entries, record consents) and
  ``clinic-<5-char facility code>``/``clinic-secret`` (role clinic: read books with consent).
- ``POST /v1/health-book/entries`` (gateway, header ``Idempotency-Key``) -> 201 / 200 replay with
  ``Idempotent-Replayed: true`` / 409 different body / 404 no book / 400 no key / 422 bad body.
- ``POST /v1/health-book/entries/batch`` (gateway): up to 500 entries, each with its own
  ``idempotency_key``; 200 with one result per entry in request order, each with its own status
  (201 / 200 replay / 404 / 409 / 422, or 5xx / 429 + ``retry_after_s`` as injected faults; only
  201 and 200 are stored). Whole-call errors: 401/403, 413 too many entries, 422 malformed body, 503.
- ``POST``/``DELETE /v1/consents`` (gateway); ``GET /v1/health-book/{citizen_id}/entries`` (clinic
  with the citizen's consent for its facility, else 403; every read logged).
- ``GET /healthz``; ``GET``/``POST /admin/faults``, ``GET /admin/stats``, ``POST /admin/accounts``
  (header ``X-Admin-Token``).
"""

# no `from __future__ import annotations`: FastAPI must evaluate annotations that name local dependencies

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

import psycopg2
from fastapi import Depends, FastAPI, Form, Header, HTTPException, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from de06.errors import DatabaseUnavailable, InputError
from de06.simulators.vneid_api.faults import FAULT_NAMES, FaultState
from de06.simulators.vneid_api.store import Principal, Store

log = logging.getLogger(__name__)
VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
GATEWAY_CLIENT = "bhxh-gateway"
GATEWAY_SECRET = "bhxh-secret"
CLINIC_PREFIX = "clinic-"
CLINIC_SECRET = "clinic-secret"
FACILITY_RE = r"^[A-Za-z0-9]{5}$"
ID_RE = r"^[0-9]{12}$"
EntryType = Literal["visit", "lab_result", "referral", "reappointment"]


@dataclass
class Settings:
    token_ttl_s: float = 3600.0
    admin_token: str = "admin"
    #: extra or replacement clients: client_id -> (secret, role, facility_code)
    clients: dict[str, tuple[str, str, str | None]] = field(default_factory=dict)


def authenticate_client(settings: Settings, client_id: str, client_secret: str) -> Principal | None:
    """The principal for a client's credentials, or None (pure function)."""
    if client_id in settings.clients:
        secret, role, facility = settings.clients[client_id]
        ok = secrets.compare_digest(secret, client_secret)
        return Principal(client_id, role, facility) if ok else None
    if client_id == GATEWAY_CLIENT:
        return (
            Principal(client_id, "gateway", None)
            if secrets.compare_digest(GATEWAY_SECRET, client_secret)
            else None
        )
    if client_id.startswith(CLINIC_PREFIX):
        code = client_id[len(CLINIC_PREFIX) :]
        if len(code) == 5 and code.isalnum() and secrets.compare_digest(CLINIC_SECRET, client_secret):
            return Principal(client_id, "clinic", code)
    return None


# --- models -----------------------------------------------------------------------------
class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the token expires.")


class EntryIn(BaseModel):
    """One health-book entry pushed by the BHXH gateway."""

    model_config = ConfigDict(extra="forbid")
    citizen_id: str = Field(pattern=ID_RE, description="12-digit personal ID of the patient.")
    book_owner_id: str = Field(
        pattern=ID_RE,
        description="12-digit ID of the VNeID account holding the book "
        "(the patient, or a parent/guardian for a child without an account).",
    )
    entry_type: EntryType
    facility_code: str = Field(pattern=FACILITY_RE, description="MA_CSKCB of the treating facility.")
    episode_key: str = Field(min_length=1, max_length=200, description="Episode (e.g. MA_CSKCB:MA_LK).")
    occurred_at: datetime = Field(
        description="ISO-8601; without an offset it is read as Vietnam time (+07:00)."
    )
    payload: dict[str, Any]

    @field_validator("occurred_at")
    @classmethod
    def _aware(cls, v: datetime) -> datetime:
        return v if v.tzinfo is not None else v.replace(tzinfo=VN_TZ)


MAX_BATCH = 500


class BatchItemIn(BaseModel):
    """One entry of a batch: its own Idempotency-Key and the same body as the single-entry call."""

    model_config = ConfigDict(extra="forbid")
    idempotency_key: str = Field(
        min_length=1, max_length=200, description="Unique per entry; reuse it when retrying."
    )
    entry: dict[str, Any] = Field(
        description="An EntryIn object (validated per entry: a bad one "
        "gets its own 422 result, the others go on)."
    )


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    entries: list[BatchItemIn] = Field(min_length=1, description=f"1 to {MAX_BATCH} entries.")


class BatchResult(BaseModel):
    index: int = Field(description="Position of the entry in the request.")
    idempotency_key: str
    status: int = Field(
        description="201 stored; 200 replay of the same key and body; 404 no book for the owner; "
        "409 key used with a different body; 422 invalid entry; 429 throttled (retry after "
        "retry_after_s); 500/502/503 not stored, retry."
    )
    entry_id: str | None = None
    received_at: datetime | None = None
    detail: str | None = None
    retry_after_s: int | None = None


class BatchOut(BaseModel):
    results: list[BatchResult]
    stored: int = Field(description="Entries answered 201 or 200 (held by the book).")
    failed: int


def _entry_error(exc: ValidationError) -> str:
    """A 422 detail naming the fields, never their values (they may be personal IDs)."""
    where = sorted({".".join(str(x) for x in e["loc"]) or "entry" for e in exc.errors()})
    return "invalid entry: " + ", ".join(where)[:180]


class EntryAccepted(BaseModel):
    entry_id: str
    status: Literal["accepted"] = "accepted"
    received_at: datetime


class EntryOut(BaseModel):
    entry_id: str
    citizen_id: str
    book_owner_id: str
    entry_type: EntryType
    facility_code: str
    episode_key: str
    occurred_at: datetime
    payload: dict[str, Any]
    received_at: datetime


class BookOut(BaseModel):
    count: int
    entries: list[EntryOut]


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    citizen_id: str = Field(pattern=ID_RE)
    facility_code: str = Field(pattern=FACILITY_RE)


class ConsentOut(BaseModel):
    consent_id: int
    facility_code: str
    status: Literal["granted", "revoked"]
    at: datetime


class AccountsIn(BaseModel):
    citizen_ids: list[Annotated[str, Field(pattern=ID_RE)]]
    active: bool = True


class Detail(BaseModel):
    detail: str


R401 = {
    401: {"model": Detail, "description": "Missing, invalid or expired bearer token (see WWW-Authenticate)."}
}
R403 = {
    403: {"model": Detail, "description": "The token's role may not do this (or no consent for this clinic)."}
}
R_FAULTS = {
    429: {"model": Detail, "description": "Throttled (simulated); honour the Retry-After header."},
    503: {"model": Detail, "description": "Unavailable (simulated outage or 5xx fault; 500/502 also occur)."},
}


def _unauthorized(reason: str) -> HTTPException:
    header = 'Bearer realm="vneid"'
    if reason:
        header += f', error="invalid_token", error_description="token {reason}"'
    detail = "missing bearer token" if not reason else f"token {reason}"
    return HTTPException(401, detail, headers={"WWW-Authenticate": header})


def create_app(store: Store, state: FaultState, settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(
        title="VNeID API simulator",
        version="1.0.0",
        description=(
            "Stands in for the VNeID electronic health book (Sổ sức khỏe điện tử) interface: the BHXH "
            "gateway pushes entries (visit, lab result, referral, re-examination appointment) with an "
            "Idempotency-Key; clinics read a citizen's book only with the citizen's consent. Faults "
            "(latency, 5xx, 429, dropped connections, timeouts after accept, outage) are injected by "
            "flags or live via /admin/faults."
        ),
    )
    bearer = HTTPBearer(auto_error=False, description="Token from POST /oauth/token")

    async def principal(creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Principal:
        if creds is None or creds.scheme.lower() != "bearer" or not creds.credentials:
            raise _unauthorized("")
        p, why = await run_in_threadpool(store.principal, creds.credentials)
        if p is None:
            raise _unauthorized(why)
        return p

    def role(name: str):
        async def check(p: Annotated[Principal, Depends(principal)]) -> Principal:
            if p.role != name:
                raise HTTPException(403, f"this call needs a {name} token, not a {p.role} token")
            return p

        return check

    gateway = Depends(role("gateway"))
    clinic = Depends(role("clinic"))

    def admin(x_admin_token: Annotated[str | None, Header()] = None) -> None:
        if x_admin_token is None or not secrets.compare_digest(x_admin_token, settings.admin_token):
            raise HTTPException(403, "wrong or missing X-Admin-Token")

    @app.exception_handler(psycopg2.Error)
    @app.exception_handler(DatabaseUnavailable)
    async def store_unavailable(request: Request, exc: Exception) -> JSONResponse:
        # Only the class name: driver messages can quote row values (personal IDs).
        log.warning("vneid store error on %s: %s", request.method, type(exc).__name__)
        return JSONResponse(
            {"detail": "health-book store unavailable; retry later"},
            status_code=503,
            headers={"Retry-After": "1"},
        )

    @app.get(
        "/healthz",
        tags=["health"],
        summary="Liveness and store check (no auth).",
        responses={503: {"model": Detail, "description": "Simulated outage, or the store is unreachable."}},
    )
    def healthz() -> dict[str, str]:
        store.ping()
        return {"status": "ok"}

    @app.post(
        "/oauth/token",
        tags=["auth"],
        summary="Issue a bearer token (client credentials).",
        response_model=TokenResponse,
        responses={401: {"description": "Unknown client or wrong secret."}, **R_FAULTS},
    )
    def token(
        client_id: Annotated[str, Form()],
        client_secret: Annotated[str, Form()],
        grant_type: Annotated[str, Form()] = "client_credentials",
    ) -> TokenResponse:
        if grant_type != "client_credentials":
            raise HTTPException(400, "unsupported grant_type; use client_credentials")
        p = authenticate_client(settings, client_id, client_secret)
        if p is None:
            raise HTTPException(401, "invalid_client", headers={"WWW-Authenticate": 'Basic realm="vneid"'})
        tok = secrets.token_urlsafe(32)
        store.issue_token(tok, p, settings.token_ttl_s)
        return TokenResponse(access_token=tok, expires_in=int(settings.token_ttl_s))

    @app.post(
        "/v1/health-book/entries",
        tags=["health-book"],
        status_code=201,
        response_model=EntryAccepted,
        summary="Push one entry into a citizen's health book (gateway token, idempotent).",
        responses={
            200: {
                "model": EntryAccepted,
                "description": "Replay: same Idempotency-Key and body; header "
                "Idempotent-Replayed: true; the original response body.",
            },
            400: {"model": Detail, "description": "Idempotency-Key header missing."},
            404: {"model": Detail, "description": "book_owner_id has no VNeID account (no health book)."},
            409: {"model": Detail, "description": "Idempotency-Key already used with a different body."},
            **R401,
            **R403,
            **R_FAULTS,
        },
    )
    def push_entry(
        body: EntryIn,
        response: Response,
        p: Principal = gateway,
        idempotency_key: Annotated[
            str | None,
            Header(alias="Idempotency-Key", description="Unique per entry; reuse it when retrying."),
        ] = None,
    ) -> EntryAccepted:
        if not idempotency_key:
            raise HTTPException(400, "Idempotency-Key header is required")
        if len(idempotency_key) > 200:
            raise HTTPException(400, "Idempotency-Key longer than 200 characters")
        data = body.model_dump(mode="json")  # occurred_at as ISO-8601 with offset
        result = store.push_entry(idempotency_key, data, p.client_id)
        if result.outcome == "no_book":
            raise HTTPException(404, "no health book for this owner")
        if result.outcome == "conflict":
            raise HTTPException(409, "Idempotency-Key already used with a different body")
        if result.outcome == "replayed":
            response.status_code = 200
            response.headers["Idempotent-Replayed"] = "true"
        return EntryAccepted(entry_id=result.entry_id, received_at=result.received_at)

    @app.post(
        "/v1/health-book/entries/batch",
        tags=["health-book"],
        response_model=BatchOut,
        summary=f"Push up to {MAX_BATCH} entries in one call (gateway token; idempotent per entry).",
        description="Each entry carries its own idempotency_key and gets its own result, in request "
        "order; only status 201 and 200 mean the book holds it. A key repeated within one batch is "
        "stored once (later copies: 200, or 409 when the body differs). Injected 5xx/429 faults hit "
        "single entries at the configured rates; a dropped or timed-out call loses every answer (retry "
        "the same keys: stored entries replay).",
        responses={
            413: {"model": Detail, "description": f"More than {MAX_BATCH} entries."},
            **R401,
            **R403,
            **R_FAULTS,
        },
    )
    def push_batch(body: BatchIn, p: Principal = gateway) -> BatchOut:
        if len(body.entries) > MAX_BATCH:
            raise HTTPException(413, f"at most {MAX_BATCH} entries per batch; split it")
        results: list[BatchResult | None] = [None] * len(body.entries)
        todo: list[tuple[int, str, dict[str, Any]]] = []
        faults: list[str] = []
        for i, item in enumerate(body.entries):
            key = item.idempotency_key
            try:
                data = EntryIn.model_validate(item.entry).model_dump(mode="json")
            except ValidationError as exc:
                results[i] = BatchResult(index=i, idempotency_key=key, status=422, detail=_entry_error(exc))
                continue
            fault = state.draw_entry()
            if fault is not None:
                code, name = fault
                faults.append(name)
                results[i] = BatchResult(
                    index=i,
                    idempotency_key=key,
                    status=code,
                    detail="too many requests (simulated)" if code == 429 else f"simulated error {code}",
                    retry_after_s=state.faults.retry_after_s if code == 429 else None,
                )
                continue
            todo.append((i, key, data))
        stored = store.push_entries([(k, d) for _i, k, d in todo], p.client_id) if todo else []
        for (i, key, _d), r in zip(todo, stored, strict=True):
            status, detail = {
                "created": (201, None),
                "replayed": (200, None),
                "no_book": (404, "no health book for this owner"),
                "conflict": (409, "Idempotency-Key already used with a different body"),
            }[r.outcome]
            results[i] = BatchResult(
                index=i,
                idempotency_key=key,
                status=status,
                entry_id=r.entry_id or None,
                received_at=r.received_at if status in (200, 201) else None,
                detail=detail,
            )
        done = [r for r in results if r is not None]
        state.count_entries([r.status for r in done], faults)
        ok = sum(r.status in (200, 201) for r in done)
        return BatchOut(results=done, stored=ok, failed=len(done) - ok)

    @app.post(
        "/v1/consents",
        tags=["consent"],
        status_code=201,
        response_model=ConsentOut,
        summary="Record a citizen's consent for a facility to read their book (gateway token).",
        responses={
            200: {"model": ConsentOut, "description": "An active consent already existed."},
            **R401,
            **R403,
            **R_FAULTS,
        },
    )
    def grant(body: ConsentIn, response: Response, p: Principal = gateway) -> ConsentOut:
        cid, at, created = store.grant_consent(body.citizen_id, body.facility_code)
        if not created:
            response.status_code = 200
        return ConsentOut(consent_id=cid, facility_code=body.facility_code, status="granted", at=at)

    @app.delete(
        "/v1/consents",
        tags=["consent"],
        response_model=ConsentOut,
        summary="Revoke a citizen's consent for a facility (gateway token; JSON body).",
        responses={
            404: {"model": Detail, "description": "No active consent to revoke."},
            **R401,
            **R403,
            **R_FAULTS,
        },
    )
    def revoke(body: ConsentIn, p: Principal = gateway) -> ConsentOut:
        row = store.revoke_consent(body.citizen_id, body.facility_code)
        if row is None:
            raise HTTPException(404, "no active consent for this citizen and facility")
        return ConsentOut(consent_id=row[0], facility_code=body.facility_code, status="revoked", at=row[1])

    @app.get(
        "/v1/health-book/{citizen_id}/entries",
        tags=["health-book"],
        response_model=BookOut,
        summary="Read a citizen's health book (clinic token with the citizen's consent).",
        description="Entries whose book owner or patient is citizen_id, oldest first. Every call, "
        "granted or refused, is written to access_log (ID hashed and masked).",
        responses={
            **R401,
            403: {
                "model": Detail,
                "description": "Not a clinic token, or no active "
                "consent of this citizen for the clinic's facility.",
            },
            **R_FAULTS,
        },
    )
    def read_book(
        citizen_id: Annotated[str, Path(pattern=ID_RE)],
        p: Principal = clinic,
        entry_type: Annotated[EntryType | None, Query()] = None,
    ) -> BookOut:
        if not store.has_consent(citizen_id, p.facility_code):
            store.log_access(p, citizen_id, entry_type, "refused", 0)
            raise HTTPException(403, "no consent of this citizen for your facility")
        rows = store.read_book(citizen_id, entry_type)
        store.log_access(p, citizen_id, entry_type, "granted", len(rows))
        return BookOut(count=len(rows), entries=[EntryOut(**r) for r in rows])

    @app.get(
        "/admin/faults", tags=["admin"], summary="Current fault settings.", dependencies=[Depends(admin)]
    )
    def get_faults() -> dict[str, Any]:
        return state.faults.as_dict()

    @app.post(
        "/admin/faults",
        tags=["admin"],
        dependencies=[Depends(admin)],
        summary="Change faults live (partial JSON: " + ", ".join(FAULT_NAMES) + ").",
        responses={400: {"model": Detail, "description": "Unknown fault name or value out of range."}},
    )
    def set_faults(changes: dict[str, Any]) -> dict[str, Any]:
        try:
            return state.update(changes).as_dict()
        except (InputError, TypeError, ValueError) as exc:
            raise HTTPException(400, str(exc)) from exc

    @app.get(
        "/admin/stats",
        tags=["admin"],
        summary="Calls counted per status and per fault.",
        dependencies=[Depends(admin)],
    )
    def stats() -> dict[str, Any]:
        return state.stats()

    @app.post(
        "/admin/accounts",
        tags=["admin"],
        dependencies=[Depends(admin)],
        summary="Register (or deactivate) VNeID accounts in the simulator's account table.",
    )
    def accounts(body: AccountsIn) -> dict[str, int]:
        return {"registered": store.register_accounts(body.citizen_ids, body.active)}

    return app
