"""Reading population / record extracts (CSV or Parquet) with the column contract of issue 4."""

from __future__ import annotations

from pathlib import Path

from de06.errors import InputError

POPULATION_COLUMNS = ("citizen_id", "cccd", "cmnd", "full_name", "dob", "sex", "birth_province")
#: optional population columns: old CMND numbers (";"-separated), dob precision D/Y, deceased
#: true/false, province of residence (code or name)
POPULATION_OPTIONAL = ("cmnd_old", "dob_precision", "deceased", "residence_province")
RECORD_COLUMNS = ("record_id", "full_name", "dob_text", "id_number", "sex", "birth_province")
#: optional record column: the residence the records office noted (province code or name)
RECORD_OPTIONAL = ("residence",)
OUTPUT_COLUMNS = ("record_id", "outcome", "citizen_id", "tier", "score", "reasons")


def read_rows(
    path: str | Path, required: tuple[str, ...], what: str, optional: tuple[str, ...] = ()
) -> list[dict]:
    """Rows as dicts of str|None; a missing/misnamed column is one clear error listing them."""
    import pandas as pd

    p = Path(path)
    if not p.exists():
        raise InputError(f"{what} file {p} does not exist", "give the path of a CSV or Parquet file")
    suffix = p.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            df = pd.read_parquet(p)
        elif suffix in (".csv", ".txt"):
            df = pd.read_csv(p, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
        else:
            raise InputError(
                f"{what} file {p.name} is neither CSV nor Parquet", "use a .csv or .parquet file"
            )
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{what} file {p.name} is not UTF-8 (byte {exc.start})", "re-export it as UTF-8 (Unicode)"
        ) from exc
    except InputError:
        raise
    except Exception as exc:  # pandas/pyarrow parse errors
        raise InputError(
            f"cannot read {what} file {p.name}: {type(exc).__name__}", "check the file format"
        ) from exc
    cols = [str(c).strip() for c in df.columns]
    missing = [c for c in required if c not in cols]
    if missing:
        extra = [c for c in cols if c not in required]
        hint = f" (found unexpected: {', '.join(extra)})" if extra else ""
        raise InputError(
            f"{what} file {p.name} lacks column(s): {', '.join(missing)}{hint}",
            f"name the columns exactly: {', '.join(required)}",
        )
    df.columns = cols
    keep = list(required) + [c for c in optional if c in cols]
    df = df[keep].astype(object).where(df[keep].notna(), None)
    rows = []
    for rec in df.to_dict("records"):
        rows.append({k: (None if v is None else str(v)) for k, v in rec.items()})
    return rows


def write_rows(path: str | Path, rows: list[dict]) -> None:
    import pandas as pd

    p = Path(path)
    df = pd.DataFrame(rows, columns=list(OUTPUT_COLUMNS))
    if p.suffix.lower() in (".parquet", ".pq"):
        df.to_parquet(p, index=False)
    else:
        df.to_csv(p, index=False)
