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
OUTPUT_COLUMNS = ("record_id", "outcome", "citizen_id", "tier", "score", "reasons", "candidates")
#: ``candidates``: for a record sent to review, the candidates a person would compare, best first, as
#: a JSON list of {citizen_id (the population extract's key), tier, score}; empty otherwise.


#: Columns holding numbers written as text whose leading zeros matter (an ID, a province code): a
#: Parquet file that stores them as numbers has already lost those zeros.
TEXT_ONLY_COLUMNS = frozenset(
    {"cccd", "cmnd", "cmnd_old", "id_number", "birth_province", "residence_province", "residence"}
)
_SUFFIXES = {".csv": "csv", ".txt": "csv", ".parquet": "parquet", ".pq": "parquet"}
#: what an output may be called (the documented names; an input may also be .txt or .pq)
_OUT_SUFFIXES = (".csv", ".parquet")


def _not_utf8(p: Path, what: str) -> InputError:
    """Where the first byte that is not UTF-8 is, counted from the start of the file."""
    raw = p.read_bytes()
    try:
        raw.decode("utf-8")
        where = ""
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        where = f" (byte {exc.start}, line {line})"
    return InputError(
        f"{what} file {p.name} is not UTF-8{where}",
        "re-export it as UTF-8 (Unicode); Excel: 'CSV UTF-8', Windows-1258/TCVN3 files need converting",
    )


def _as_text(df, p: Path, what: str):
    """A Parquet frame's columns as text, refusing the types that cannot be turned back into the
    text the source had (numbers in ID and code columns, fractional keys)."""
    import pandas as pd

    out = {}
    for c in df.columns:
        col = df[c]
        kind = col.dtype.kind
        if kind in "iuf" and c in TEXT_ONLY_COLUMNS:
            raise InputError(
                f"{what} file {p.name}: column {c} holds numbers ({col.dtype}), so leading zeros are lost",
                f"write {c} as text (string) in the Parquet file",
            )
        if kind == "f":
            whole = col.dropna()
            if not (whole == whole.round()).all():
                raise InputError(
                    f"{what} file {p.name}: column {c} holds fractional numbers ({col.dtype})",
                    f"write {c} as text (string) or whole numbers",
                )
            col = col.astype("Int64")
        if kind == "M":  # timestamps: a date at midnight is a date
            midnight = col.dropna().dt.normalize().eq(col.dropna()).all()
            col = col.dt.strftime("%Y-%m-%d" if midnight else "%Y-%m-%d %H:%M:%S")
        out[c] = col.astype(object).where(col.notna(), None).map(lambda v: None if v is None else str(v))
    return pd.DataFrame(out, index=df.index)


def read_rows(
    path: str | Path, required: tuple[str, ...], what: str, optional: tuple[str, ...] = ()
) -> list[dict]:
    """Rows as dicts of str|None; a missing/misnamed column is one clear error listing them."""
    import pandas as pd

    p = Path(path)
    if not p.exists():
        raise InputError(f"{what} file {p} does not exist", "give the path of a CSV or Parquet file")
    kind = _SUFFIXES.get(p.suffix.lower())
    if kind is None:
        raise InputError(f"{what} file {p.name} is neither CSV nor Parquet", "use a .csv or .parquet file")
    if p.stat().st_size == 0:
        raise InputError(f"{what} file {p.name} is empty", "export the extract with its header row")
    try:
        if kind == "parquet":
            df = _as_text(pd.read_parquet(p), p, what)
        else:
            df = pd.read_csv(p, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    except UnicodeDecodeError:
        raise _not_utf8(p, what) from None
    except InputError:
        raise
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        # pandas names the line and the field counts, never a value
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(
            f"cannot read {what} file {p.name}: {detail}",
            "check the file: one header row, comma-separated, the same number of fields on every line",
        ) from None
    except Exception as exc:  # pyarrow and other parse errors
        raise InputError(
            f"cannot read {what} file {p.name}: {type(exc).__name__}", "check the file format"
        ) from exc
    cols = [str(c).strip().lstrip("\ufeff") for c in df.columns]
    missing = [c for c in required if c not in cols]
    if missing:
        extra = [c for c in cols if c not in required]
        hint = f" (found unexpected: {', '.join(extra)})" if extra else ""
        fix = f"name the columns exactly: {', '.join(required)}"
        if len(cols) == 1 and any(sep in cols[0] for sep in (";", "\t", "|")):
            fix = "separate the fields with commas (the file looks ;-, tab- or |-separated); " + fix
        raise InputError(f"{what} file {p.name} lacks column(s): {', '.join(missing)}{hint}", fix)
    df.columns = cols
    keep = list(required) + [c for c in optional if c in cols]
    df = df[keep].astype(object).where(df[keep].notna(), None)
    rows = []
    for rec in df.to_dict("records"):
        rows.append({k: (None if v is None else str(v)) for k, v in rec.items()})
    return rows


def check_out_path(out: str | Path, inputs: tuple[str | Path, ...] = ()) -> Path:
    """The output path, checked before any work: a .csv or .parquet name, in an existing folder one
    may write to, and not one of the input files."""
    import os

    p = Path(out)
    if p.suffix.lower() not in _OUT_SUFFIXES:
        raise InputError(f"output file {p.name} is neither .csv nor .parquet", "name it *.csv or *.parquet")
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(
            f"folder {folder} for the output does not exist", "create it or choose another --out"
        )
    if not os.access(folder, os.W_OK) or (p.exists() and not os.access(p, os.W_OK)):
        raise InputError(f"cannot write {p}", "choose an --out path you may write to")
    for i in inputs:
        if Path(i).exists() and p.exists() and p.resolve() == Path(i).resolve():
            raise InputError(f"--out {p.name} is one of the input files", "write the output to another file")
    return p


def write_rows(path: str | Path, rows: list[dict]) -> None:
    import pandas as pd

    p = Path(path)
    df = pd.DataFrame(rows, columns=list(OUTPUT_COLUMNS))
    if p.suffix.lower() in (".parquet", ".pq"):
        df.to_parquet(p, index=False)
    else:
        df.to_csv(p, index=False)
