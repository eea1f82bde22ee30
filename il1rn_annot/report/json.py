"""The JSON report: the design.md contract, one object per input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, replace
from json.encoder import encode_basestring_ascii as _quoted

from il1rn_annot.model import Report, SampleReport, SampleVariant
from il1rn_annot.report.rows import (
    SharedTexts,
    call_fields,
    record_fields,
    record_indexes,
    record_key,
)

#: A sample's variant entry (schema 2.0, "records, once"): which entry of ``records`` it is
#: (one ALT allele each, so the index names the record and the allele), the catalog id the
#: call may rest on (so that a sample reads without a join), and the sample's own evidence.
#: What the allele is (position, HGVS, classification, FILTER, ...) is in ``records`` alone.
SAMPLE_VARIANT_FIELDS = (
    "record",
    "dira_id",
    "genotype",
    "zygosity",
    "phase_set",
    "depth",
    "gq",
    "quality_flags",
)


def sample_dict(sample: SampleReport, records: dict[tuple[int, int], int]) -> dict:
    """One sample; each variant names its entry in ``records`` (see ``sample_variant``)."""
    return {
        "sample": sample.sample,
        "dira_genotype": sample.dira_genotype,
        "needs_review": sample.needs_review,
        "review_reasons": sample.review_reasons,
        "notes": sample.notes,
        "coverage": asdict(sample.coverage),
        "depth": asdict(sample.depth) if sample.depth is not None else None,
        "variants": [sample_variant(v, records) for v in sample.variants],
    }


def sample_variant(variant: SampleVariant, records: dict[tuple[int, int], int]) -> dict:
    """A sample's evidence for one allele, and the index of the allele in ``records``.

    Every allele a sample carries is one of the report's records (the pipeline calls samples
    over ``Report.records``); one that is not would leave the entry without its allele, so it
    is a bug, never a silent null."""
    index = records.get(record_key(variant.annotated))
    if index is None:
        a = variant.annotated.alt
        raise ValueError(
            f"the allele {a.record.chrom}:{a.allele} of a sample is not among the report's records"
        )
    own = call_fields(variant)
    return {
        "record": index,
        "dira_id": variant.annotated.dira_id or None,
        **{k: own[k] for k in SAMPLE_VARIANT_FIELDS[2:]},
    }


def report_dict(report: Report) -> dict:
    info = report.input
    indexes = record_indexes(report)
    return {
        "schema_version": report.schema_version,
        "tool": asdict(report.tool),
        "input": {
            "path": info.path,
            "build": info.build,
            "build_source": info.build_source,
            "contig": info.contig,
            "window": asdict(info.window),
            "access": info.access,
            "gvcf": info.gvcf,
            "n_samples": len(info.samples),
        },
        "options": report.options,
        "warnings": report.warnings,
        "records": [record_fields(a, n) for n, a in enumerate(report.records)],
        "clinvar": _clinvar(report),
        "samples": [sample_dict(s, indexes) for s in report.samples],
    }


def _clinvar(report: Report) -> dict | None:
    """The --clinvar file, and the records ClinVar calls (likely) pathogenic, or conflicting
    with a pathogenic claim, that the catalog does not list (by their index in ``records``)."""
    if report.clinvar is None:
        return None
    flagged = [
        n
        for n, a in enumerate(report.records)
        if a.clinvar is not None
        and not a.dira_id
        and (a.clinvar.pathogenic or a.clinvar.conflicting_pathogenic)
    ]
    return {**asdict(report.clinvar), "pathogenic_not_in_catalog": flagged}


def render_json(report: Report) -> str:
    return "".join(json_chunks(report))


def json_chunks(report: Report) -> Iterator[str]:
    """The JSON report in pieces: everything but the samples, then one sample at a time, so
    that a cohort's report is never held whole (as text or as dicts). Joined, the pieces are
    ``json.dumps(report_dict(report), indent=2)`` and a newline, byte for byte."""
    head = report_dict(replace(report, samples=[]))
    head.pop("samples")
    text = json.dumps(head, indent=2)
    if not report.samples:
        yield text[:-2] + ',\n  "samples": []\n}\n'
        return
    yield text[:-2] + ',\n  "samples": ['
    indexes = record_indexes(report)
    texts = SharedTexts()
    for n, sample in enumerate(report.samples):
        yield ("\n    " if not n else ",\n    ") + _sample_text(sample, indexes, texts)
    yield "\n  ]\n}\n"


def _indented(text: str) -> str:
    """A sample's text as it stands in ``samples``: four more spaces after each newline."""
    return text.replace("\n", "\n    ")


def _sample_text(
    sample: SampleReport, indexes: dict[tuple[int, int], int], texts: SharedTexts
) -> str:
    """``json.dumps(sample_dict(sample, indexes), indent=2)``, byte for byte, indented as it
    stands in ``samples``, without ``json.dumps``'s per-call set-up for each variant (millions
    in a cohort); a variant row that samples with the same call share is written once, and so
    are the keys after the name of samples whose call, reasons and coverage are the same. The
    shared pieces are kept indented, so that a sample's text is only joined."""
    texts.bounded()
    name = '{\n  "sample": ' + _quoted(sample.sample) + ",\n"
    key = None
    if sample.depth is None:
        key = (
            sample.dira_genotype,
            sample.needs_review,
            tuple(sample.review_reasons),
            tuple(sample.notes),
            *(tuple(v) if isinstance(v, list) else v for v in vars(sample.coverage).values()),
        )
    body = texts.bodies.get(key) if key is not None else None
    if body is None:
        text = json.dumps(sample_dict(replace(sample, variants=[]), indexes), indent=2)
        assert text.startswith(name)  # the first key of sample_dict
        body = _indented(text[len(name) :])
        if key is not None:
            texts.bodies[key] = body
    name = _indented(name)
    if not sample.variants:
        return name + body
    assert body.endswith('\n      "variants": []\n    }')  # the last key of sample_dict
    # A cohort's samples with one call of an allele share its row object: written once.
    known = texts.rows.get
    items = [known(id(v)) or _variant_text(v, indexes, texts) for v in sample.variants]
    return name + body[: -len("[]\n    }")] + "[\n    " + ",\n    ".join(items) + "\n      ]\n    }"


def _variant_text(
    variant: SampleVariant, indexes: dict[tuple[int, int], int], texts: SharedTexts
) -> str:
    """One variant entry of a sample as ``json.dumps(indent=2)`` writes it there (indented as
    the sample is in ``samples``; kept in ``texts.rows``): the allele's keys (``record``,
    ``dira_id``) formatted once per allele, the call's once per call."""
    allele = texts.alleles.get(id(variant.annotated))
    if allele is None:
        fields = sample_variant(variant, indexes)
        allele = texts.alleles[id(variant.annotated)] = _indented(
            ",\n".join(_line(k, fields[k]) for k in SAMPLE_VARIANT_FIELDS[:2])
        )
    mine = (id(variant.call), variant.zygosity, tuple(variant.quality_flags))
    own = texts.calls.get(mine)
    if own is None:
        fields = call_fields(variant)
        own = texts.calls[mine] = _indented(
            ",\n".join(_line(k, fields[k]) for k in SAMPLE_VARIANT_FIELDS[2:])
        )
    text = texts.rows[id(variant)] = "".join(("    {\n    ", allele, ",\n    ", own, "\n        }"))
    return text


def _line(key: str, value: object) -> str:
    """One key of a variant as ``json.dumps(indent=2)`` writes it inside a sample."""
    if isinstance(value, list):
        if not value:
            text = "[]"
        else:
            text = "[\n" + ",\n".join(f"        {_scalar(v)}" for v in value) + "\n      ]"
    else:
        text = _scalar(value)
    return f'      "{key}": {text}'


def _scalar(value: object) -> str:
    """``json.dumps`` of a plain value, without its per-call set-up (millions in a cohort)."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if type(value) is int:
        return int.__repr__(value)
    if type(value) is str:
        return _quoted(value)
    return json.dumps(value)


def schema_text() -> str:
    """The report's JSON Schema as shipped with the package (``il1rn-annot schema``)."""
    from importlib.resources import files

    return files("il1rn_annot.report").joinpath("report.schema.json").read_text(encoding="utf-8")
