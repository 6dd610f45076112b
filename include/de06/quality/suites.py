"""Suite files: ``expectations/<dataset>.json``, one GX 1.x ExpectationSuite per dataset.

A suite file is GX's own JSON shape (``name``, ``expectations`` with ``type``/``kwargs``/``meta``,
``meta``) plus our conventions, checked here when a suite is loaded:

- every expectation carries ``meta.dimension`` in ``dung|du|sach|song``; ``meta.critical: true``
  makes a failure of that one expectation a breach whatever the dimension score;
- ``meta.fail_below``: ``{dimension: score}``; a dimension scoring below it breaches the suite;
- ``meta.pii``: ``{column: "id"|"name"|"dob"}``; values of these columns are personal data and never
  leave the validation (masked in every stored or returned result). On a PII column only
  row-wise expectations (``expect_column_values_*``, compound/pair uniqueness) are allowed,
  because aggregate expectations (max, min, most common value) report a raw value;
- ``meta.derive``: derived columns computed before validation (see :mod:`de06.quality.derive`);
- ``meta.parameters``: ``{name: description}`` of ``$PARAMETER`` values the caller must pass
  (``province_codes`` is always supplied).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from de06.errors import ConfigError, InputError
from de06.quality import derive, paths
from de06.quality.dimensions import DIMENSIONS

if TYPE_CHECKING:
    from great_expectations.core.expectation_suite import ExpectationSuite

PII_KINDS = ("id", "name", "dob")
#: Expectation types allowed on a PII column (row-wise: they report counts, not values).
PII_SAFE_PREFIXES = (
    "expect_column_values_to_",
    "expect_compound_columns_to_be_unique",
    "expect_select_column_values_to_be_unique_within_record",
    "expect_column_pair_values_",
    "expect_multicolumn_",
)
#: Parameters the runner always supplies.
BUILTIN_PARAMETERS = ("province_codes",)


@dataclass(frozen=True)
class SuiteSpec:
    name: str
    path: Path
    title: str
    expectations: tuple[dict[str, Any], ...]
    fail_below: dict[str, float]
    pii: dict[str, str]
    derive: tuple[dict[str, Any], ...]
    parameters: dict[str, str]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def dimensions(self) -> list[str]:
        present = {e["meta"]["dimension"] for e in self.expectations}
        return [d for d in DIMENSIONS if d in present]

    def required_columns(self) -> list[str]:
        """Input columns the data must have (derived columns excluded, their inputs included)."""
        derived = {d["column"] for d in self.derive}
        cols: list[str] = []
        for d in self.derive:
            cols.extend(d["args"])
        for e in self.expectations:
            cols.extend(columns_of(e))
        return sorted({c for c in cols if c not in derived})

    def parameter_names(self) -> set[str]:
        names: set[str] = set()
        for e in self.expectations:
            _collect_parameters(e.get("kwargs", {}), names)
        return names


def columns_of(expectation: dict[str, Any]) -> list[str]:
    kw = expectation.get("kwargs", {})
    cols = [kw[k] for k in ("column", "column_A", "column_B") if isinstance(kw.get(k), str)]
    cols.extend(kw.get("column_list") or [])
    cond = kw.get("row_condition")
    if isinstance(cond, dict) and isinstance(cond.get("column"), dict) and cond["column"].get("name"):
        cols.append(cond["column"]["name"])
    return cols


def _collect_parameters(value: Any, into: set[str]) -> None:
    if isinstance(value, dict):
        if "$PARAMETER" in value:
            into.add(str(value["$PARAMETER"]))
        for v in value.values():
            _collect_parameters(v, into)
    elif isinstance(value, list):
        for v in value:
            _collect_parameters(v, into)


def list_datasets() -> list[str]:
    return sorted(p.stem for p in paths.expectations_dir().glob("*.json"))


def suite_path(dataset: str) -> Path:
    return paths.expectations_dir() / f"{dataset}.json"


def load_suite(dataset: str) -> SuiteSpec:
    """Read and check ``expectations/<dataset>.json``; one clear error per problem."""
    path = suite_path(dataset)
    if not path.is_file():
        known = ", ".join(list_datasets()) or "none"
        raise InputError(f"no suite for dataset {dataset!r} ({path} missing)", f"use one of: {known}")
    return _load(path, path.stat().st_mtime_ns)


@lru_cache(maxsize=32)
def _load(path: Path, _mtime: int) -> SuiteSpec:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"suite file {path.name} is not valid JSON: {exc}", "fix the JSON syntax") from exc
    return parse_suite(raw, path)


def parse_suite(raw: dict[str, Any], path: Path) -> SuiteSpec:
    where = path.name
    if raw.get("name") != path.stem:
        raise ConfigError(
            f"{where}: name {raw.get('name')!r} differs from the file name", f"set name to {path.stem!r}"
        )
    meta = dict(raw.get("meta") or {})
    expectations = raw.get("expectations") or []
    if not expectations:
        raise ConfigError(f"{where}: no expectations", "add at least one expectation")
    pii = dict(meta.get("pii") or {})
    for col, kind in pii.items():
        if kind not in PII_KINDS:
            raise ConfigError(f"{where}: pii column {col!r} has kind {kind!r}", f"use one of {PII_KINDS}")
    for i, e in enumerate(expectations):
        etype = e.get("type")
        dim = (e.get("meta") or {}).get("dimension")
        if not etype or not isinstance(e.get("kwargs"), dict):
            raise ConfigError(
                f"{where}: expectation #{i} lacks type or kwargs", "write GX 1.x form {type, kwargs, meta}"
            )
        if dim not in DIMENSIONS:
            raise ConfigError(
                f"{where}: expectation #{i} ({etype}) has dimension {dim!r}",
                f"tag it with meta.dimension in {DIMENSIONS}",
            )
        touched = set(columns_of(e)) & set(pii)
        if touched and not etype.startswith(PII_SAFE_PREFIXES):
            raise ConfigError(
                f"{where}: expectation #{i} ({etype}) on personal-data column(s) {sorted(touched)} would report raw values",  # noqa: E501
                "use a row-wise expectation (expect_column_values_*) or check a derived column",
            )
    fail_below = {k: float(v) for k, v in (meta.get("fail_below") or {}).items()}
    present = {e["meta"]["dimension"] for e in expectations}
    for dim in fail_below:
        if dim not in DIMENSIONS:
            raise ConfigError(f"{where}: fail_below names unknown dimension {dim!r}", f"use {DIMENSIONS}")
    missing_thresholds = present - set(fail_below)
    if missing_thresholds:
        raise ConfigError(
            f"{where}: no fail_below threshold for dimension(s) {sorted(missing_thresholds)}",
            "add meta.fail_below.<dimension> (0-100)",
        )
    derives = tuple(meta.get("derive") or ())
    for d in derives:
        if d.get("fn") not in derive.FUNCTIONS:
            raise ConfigError(
                f"{where}: derived column {d.get('column')!r} uses unknown function {d.get('fn')!r}",
                f"use one of {sorted(derive.FUNCTIONS)}",
            )
    return SuiteSpec(
        name=raw["name"],
        path=path,
        title=str(meta.get("title") or raw["name"]),
        expectations=tuple(expectations),
        fail_below=fail_below,
        pii=pii,
        derive=derives,
        parameters=dict(meta.get("parameters") or {}),
        meta=meta,
    )


def to_gx_suite(spec: SuiteSpec) -> ExpectationSuite:
    """The GX ExpectationSuite of a spec (GX imported here, lazily).

    GX logs and drops an expectation it cannot build; here that is an error instead.
    """
    from great_expectations.core.expectation_suite import ExpectationSuite

    suite = ExpectationSuite(
        name=spec.name,
        expectations=[dict(e) for e in spec.expectations],
        meta={k: v for k, v in spec.meta.items() if k not in ("derive",)},
    )
    if len(suite.expectations) != len(spec.expectations):
        built = {e.expectation_type for e in suite.expectations}
        lost = sorted({e["type"] for e in spec.expectations} - built) or ["(an expectation with bad kwargs)"]
        raise ConfigError(
            f"suite {spec.name}: GX could not build {len(spec.expectations) - len(suite.expectations)} expectation(s): "  # noqa: E501
            + ", ".join(lost),
            f"check the type names and kwargs in {spec.path.name} against GX 1.x",
        )
    return suite
