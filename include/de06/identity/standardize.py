"""One person's identity fields, standardised, with the rules that changed them (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field

from de06.identity.dates import DateParse, parse_dob
from de06.identity.fields import parse_province, parse_sex
from de06.identity.ids import IdParse, normalize_id
from de06.identity.names import NameParts, split_name
from de06.identity.text import clean, has_marks, legacy_encoding, written_key


@dataclass(frozen=True)
class TrailStep:
    rule: str
    field: str
    before: str | None
    after: str | None


@dataclass
class StdIdentity:
    key: str
    name: NameParts | None
    written: str  # casefolded, cleaned
    marked: bool  # the record carries diacritics
    dob: DateParse
    id: IdParse
    sex: str | None
    province: str | None
    reject: str | None = None
    flags: list[str] = field(default_factory=list)
    trail: list[TrailStep] = field(default_factory=list)
    residence: str | None = None  # province code of the residence the source recorded

    @property
    def tokens(self) -> list[str]:
        return self.name.tokens if self.name else []


def standardize(
    key: str,
    full_name: str | None,
    dob_text: str | None,
    id_number: str | None,
    sex_text: str | None = None,
    birth_place: str | None = None,
    residence: str | None = None,
) -> StdIdentity:
    """Standardise one identity. ``reject`` is set when the record cannot be matched at all."""
    trail: list[TrailStep] = []
    flags: list[str] = []
    reject = None
    legacy = legacy_encoding(full_name)
    name = None if legacy else split_name(full_name)
    if legacy:
        reject = "name_legacy_encoding"
    elif name is None:
        reject = "name_empty"
    else:
        if name.cleaned != (full_name or ""):
            trail.append(
                TrailStep(
                    "name_clean" if "name_order" not in name.rules else "name_order",
                    "full_name",
                    full_name,
                    name.cleaned,
                )
            )
    dob = parse_dob(dob_text)
    if dob.ok:
        flags.extend(f"dob:{f}" for f in dob.flags)
        if dob.iso != (dob_text or "").strip():
            trail.append(TrailStep("dob_parse", "dob", dob_text, dob.iso))
    else:
        flags.append(f"dob:{dob.error}")
    idp = normalize_id(id_number)
    if idp.error:
        flags.append(f"id:{idp.error}")
    flags.extend(f"id:{f}" for f in idp.flags)
    if idp.value and idp.value != (id_number or ""):
        trail.append(TrailStep("id_normalize", "id_number", id_number, idp.value))
    sex = parse_sex(sex_text)
    if sex_text and sex is None:
        flags.append("sex:unknown_text")
    if sex and sex != sex_text:
        trail.append(TrailStep("sex_code", "sex", sex_text, sex))
    prov = parse_province(birth_place)
    if birth_place and prov is None:
        flags.append("province:unknown")
    if prov and prov != birth_place:
        trail.append(TrailStep("province_lookup", "birth_province", birth_place, prov))
    if idp.kind == "cccd" and dob.ok:
        from de06.identity.ids import cccd_structure

        problems = cccd_structure(idp.value, dob.year, sex)
        flags.extend(f"cccd:{p}" for p in problems)
    if reject is None and not dob.ok and not idp.usable:
        reject = f"{dob.error}_and_no_usable_id"
    return StdIdentity(
        key=key,
        name=name,
        written=written_key(full_name) if name else "",
        marked=has_marks(full_name) if name else False,
        dob=dob,
        id=idp,
        sex=sex,
        province=prov,
        reject=reject,
        flags=flags,
        trail=trail,
        residence=parse_province(residence) if residence else None,
    )


__all__ = ["StdIdentity", "TrailStep", "standardize", "clean"]
