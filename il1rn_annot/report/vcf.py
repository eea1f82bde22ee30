"""The annotated VCF: the input's header and window records, unchanged but for INFO tags.

Each record of the window keeps every column as the input wrote it; INFO gains one value per
ALT (``Number=A``, ``.`` for none) of what ``records[]`` in the JSON says of it. Tags of these
names already in the input (an earlier run) are replaced, in INFO and in the header. Samples are
left untouched: a DIRA call belongs to a sample over the whole window, not to one record, so a
FORMAT field would repeat it on every line or suggest it came from that line; the calls are in
the JSON and TSV. Records of ``--sv`` belong to another file and are not written here.
"""

from __future__ import annotations

import re

from il1rn_annot.errors import InternalError
from il1rn_annot.model import AnnotatedAllele, Report, VariantRecord

#: The INFO tags written, with what each holds for one ALT (VCF header Descriptions).
TAGS = {
    "DIRA_ID": "DIRA catalog id of the ALT allele (il1rn-annot catalog show ID); . if none",
    "DIRA_CLASS": "Classification of the ALT allele, as in the JSON report (e.g. pathogenic, "
    "likely_pathogenic, uncertain, known_benign, novel_predicted_lof, not_in_catalog)",
    "DIRA_MATCH": "How the ALT allele matched its catalog allele: exact, normalized (after "
    "trimming and left-alignment) or overlap (a deletion interval)",
    "IL1RN_CSQ": "Sequence Ontology consequence of the ALT allele on NM_173842.3 (MANE Select)",
    "IL1RN_HGVSC": "HGVS c. name of the ALT allele on NM_173842.3",
    "IL1RN_HGVSP": "HGVS p. name of the ALT allele on NP_776214.1 (NM_173842.3)",
    "IL1RN_NONDIRA": "Id of the known non-DIRA allele the ALT allele is (il1rn-annot catalog "
    "show ID), e.g. a common benign variant",
    "DIRA_SOURCE": "Where the matched catalog row comes from: bundled, overlay (a row of the "
    "lab's --catalog-overlay) or overlay_override (the lab's override of a bundled row)",
    "IL1RN_CLNID": "ClinVar VariationID (VCV) of the ALT allele in the --clinvar file",
    "IL1RN_CLNSIG": "ClinVar significance (CLNSIG) of the ALT allele in the --clinvar file",
    "IL1RN_CLNREVSTAT": "ClinVar review status (CLNREVSTAT) of the ALT allele in the --clinvar "
    "file",
}

#: Characters with a meaning in INFO (VCF 4.3 section 1.2), and spaces, percent-encoded.
_UNSAFE = re.compile(r"[%;=,\s]")


def encode(value: str) -> str:
    """An INFO value with its special characters percent-encoded; empty is ``.``.

    >>> encode("p.(Glu77Ter)"), encode(""), encode("a b;c=d,e%")
    ('p.(Glu77Ter)', '.', 'a%20b%3Bc%3Dd%2Ce%25')
    """
    if not value:
        return "."
    return _UNSAFE.sub(lambda m: "%" + format(ord(m.group()), "02X"), value)


def _quoted(text: str) -> str:
    """A VCF header string value: double-quoted, with backslash and quote escaped."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def header_lines(report: Report) -> list[str]:
    """The lines this tool adds to the header."""
    tool = report.tool
    out = [
        f"##INFO=<ID={tag},Number=A,Type=String,Description={_quoted(text)}>"
        for tag, text in TAGS.items()
    ]
    command = report.vcf_text.command if report.vcf_text else ""
    out.append(
        f"##il1rn-annot=<Version={tool.version},CatalogVersion={tool.catalog_version},"
        f"CatalogSHA256={tool.catalog_sha256},Build={report.input.build}"
        + (
            f",CatalogOverlay={_quoted(tool.catalog_overlay)},"
            f"CatalogOverlaySHA256={tool.catalog_overlay_sha256}"
            if tool.catalog_overlay
            else ""
        )
        + (
            f",ClinVar={_quoted(report.clinvar.path)},"
            f"ClinVarFileDate={_quoted(report.clinvar.file_date)}"
            if report.clinvar
            else ""
        )
        + (f",Command={_quoted(command)}" if command else "")
        + ">"
    )
    out.extend(f"##il1rn-annot_warning={_quoted(w)}" for w in report.warnings)
    return out


def _replaced(line: str) -> bool:
    """An input header line that this tool's lines replace (ours, from an earlier run)."""
    if line.startswith("##INFO=<ID="):
        return line[len("##INFO=<ID=") :].split(",", 1)[0] in TAGS
    return line.startswith(("##il1rn-annot=", "##il1rn-annot_warning="))


def _values(record: VariantRecord, by_alt: dict[int, AnnotatedAllele]) -> str:
    """The INFO tags of one record: a value per ALT for each tag."""
    columns: dict[str, list[str]] = {tag: [] for tag in TAGS}
    for n in range(1, len(record.alts) + 1):
        a = by_alt.get(n)
        clinvar = a.clinvar if a is not None else None
        values = (
            ("",) * len(TAGS)
            if a is None
            else (
                a.dira_id,
                a.classification,
                a.match,
                a.consequence,
                a.hgvs_c,
                a.hgvs_p,
                a.non_dira_id,
                a.catalog_source,
                (clinvar.accession or clinvar.variation_id) if clinvar else "",
                clinvar.significance if clinvar else "",
                clinvar.review_status if clinvar else "",
            )
        )
        for tag, value in zip(TAGS, values, strict=True):
            columns[tag].append(encode(value))
    return ";".join(f"{tag}={','.join(v)}" for tag, v in columns.items())


def _info(info: str, added: str) -> str:
    """INFO with the tags of this tool replaced by ``added``."""
    kept = [
        item for item in info.split(";") if item and item != "." and item.split("=")[0] not in TAGS
    ]
    return ";".join([*kept, added]) if added else ";".join(kept) or "."


def record_line(record: VariantRecord, by_alt: dict[int, AnnotatedAllele]) -> str:
    """The record's line with the INFO tags added (none to a record without ALT)."""
    cells = record.text.split("\t")
    while len(cells) < 8:  # a sites-only line may end before INFO
        cells.append(".")
    cells[7] = _info(cells[7], _values(record, by_alt) if record.alts else "")
    return "\t".join(cells) + "\n"


def render_vcf(report: Report) -> str:
    """The annotated VCF as text."""
    if report.vcf_text is None:
        raise ValueError("the report was made without the input's text (Options.keep_text)")
    # Lines end at "\n" only: splitlines() would also break a line at a CR or \x1c inside it.
    lines = report.vcf_text.header.rstrip("\n").split("\n")
    meta = [line for line in lines[:-1] if not _replaced(line)]
    out = [line + "\n" for line in (*meta, *header_lines(report), lines[-1])]
    alleles: dict[int, dict[int, AnnotatedAllele]] = {}
    for a in report.records:
        alleles.setdefault(a.alt.record.index, {})[a.alt.alt_index] = a
    records = [r for r in report.vcf_text.records if not r.sv_file]
    order = {name: n for n, name in enumerate(dict.fromkeys(r.chrom for r in records))}
    for record in sorted(records, key=lambda r: (order[r.chrom], r.pos)):
        if not record.text:  # never invented: a record must be written as the input has it
            raise InternalError(
                f"the line of the record at {record.chrom}:{record.pos} was not kept for the "
                "annotated VCF",
                report.input.path,
            )
        out.append(record_line(record, alleles.get(record.index, {})))
    return "".join(out)
