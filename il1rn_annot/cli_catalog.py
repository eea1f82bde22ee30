"""The `catalog` commands: list, show, diff, export and check-updates (the only command that
uses the network, and only when run). Registered on the `cli` group when cli.py is imported."""

from __future__ import annotations

import sys

import click

from il1rn_annot.cli import cli
from il1rn_annot.cli_base import BuildType, say
from il1rn_annot.errors import UsageError


@cli.group()
def catalog() -> None:
    """The curated catalog of DIRA alleles."""


_OVERLAY_HELP = "Show the catalog with a lab's --catalog-overlay merged in (its rows marked)."


@catalog.command("list")
@click.option("--catalog-overlay", metavar="FILE", help=_OVERLAY_HELP)
@click.option("--all-columns", is_flag=True, help="Print every column of the catalog (TSV).")
@click.option(
    "--grep",
    "pattern",
    metavar="TEXT",
    help="Only the rows with a name that starts with TEXT (an id, legacy name such as E77X, "
    "HGVS c./p. with or without NM_173842.3:, ClinVar id, rsID), or whose names or origin "
    "contain TEXT (words such as 'Puerto Rican', 'Dutch').",
)
def catalog_list(catalog_overlay: str | None, all_columns: bool, pattern: str | None) -> None:
    """List every catalogued allele and whether this version can match it (plain TSV on stdout).
    The catalog version and SHA-256 are in `il1rn-annot --version`, and on stderr when it is a
    terminal (a script's stderr stays free of anything but errors)."""
    from il1rn_annot.catalog import CATALOG_COLUMNS, load_catalog
    from il1rn_annot.catalog_search import grep

    cat = load_catalog(overlay=catalog_overlay)  # errors leave through the group's boundary
    if sys.stderr.isatty():
        say(f"# catalog_version {cat.version} sha256 {cat.sha256}")
        if cat.overlay_path:
            say(f"# catalog_overlay {cat.overlay_path} sha256 {cat.overlay_sha256}")
    entries = list(cat.entries) if pattern is None else grep(cat, pattern)
    if not entries:
        say(f"il1rn-annot: no catalog row matches {pattern!r}")
    if all_columns:
        extra = ("source",) if cat.overlay_path else ()  # the lab's rows, marked
        click.echo("\t".join((*CATALOG_COLUMNS, *extra)))
        for entry in entries:
            source = (entry.source,) if extra else ()
            click.echo("\t".join((*(entry.row[c] for c in CATALOG_COLUMNS), *source)))
        return
    header = (
        "id",
        "name",
        "legacy_names",
        "classification",
        "evidence_level",
        "GRCh38",
        "matching",
        *(("source",) if cat.overlay_path else ()),
    )
    click.echo("\t".join(header))
    for e in entries:
        locus = e.locus("GRCh38")
        where = ""
        if locus is not None:
            where = (
                f"2:{locus.pos}-{locus.end} {locus.alt}"
                if locus.symbolic
                else f"2:{locus.pos} {locus.ref}>{locus.alt}"
            )
        names = "; ".join(e.legacy_names)
        row = (e.id, e.name, names or "-", e.classification, e.evidence_level, where or "-")
        source = (e.source,) if cat.overlay_path else ()
        click.echo("\t".join((*row, e.matching, *source)))


@catalog.command("show")
@click.argument("allele")
@click.option("--catalog-overlay", metavar="FILE", help=_OVERLAY_HELP)
def catalog_show(allele: str, catalog_overlay: str | None) -> None:
    """Show every field of a catalogued allele or known non-DIRA allele, found by its id
    (DIRA01, CTRL12), a legacy name (E77X, N52KfsX25, 'Puerto Rican'), HGVS c./p. (c.229G>T,
    p.Glu77Ter, with or without NM_173842.3:), a ClinVar id (VCV000014675 or 14675) or an
    rsID. Several rows that share the name are all shown."""
    from il1rn_annot.catalog import load_catalog
    from il1rn_annot.catalog_search import find

    cat = load_catalog(overlay=catalog_overlay)
    rows = find(cat, allele)
    if not rows:
        raise click.BadParameter(
            f"no allele {allele!r} in the catalog: give an id (DIRA…, CTRL…), a legacy name, "
            "HGVS c./p., ClinVar id or rsID ('catalog list --grep' searches)"
        )
    merged = cat.merged_into(allele.strip().upper())
    if merged is not None:
        say(f"il1rn-annot: {allele.strip().upper()} was merged into {merged.id}")
    if len(rows) > 1:
        ids = ", ".join(r.id for r in rows)
        say(f"il1rn-annot: {len(rows)} alleles answer to {allele!r}: {ids}")
    for n, row in enumerate(rows):
        if n:
            click.echo("")
        for key, value in row.row.items():
            click.echo(f"{key}\t{value}")
        if cat.overlay_path and hasattr(row, "source"):
            click.echo(f"source\t{row.source}")


@catalog.command("diff")
@click.argument("old", metavar="OLD.tsv")
@click.argument("new", metavar="[NEW.tsv]", required=False)
def catalog_diff(old: str, new: str | None) -> None:
    """Show what changed from an older catalog file OLD.tsv to the bundled catalog (or NEW.tsv):
    added, removed, merged and changed rows, field by field (TSV). may_change_calls is 'yes'
    where a change can alter a call: re-review the samples whose call rests on that row."""
    from il1rn_annot.catalog import CATALOG_FILE, data_dir
    from il1rn_annot.catalog_diff import diff, read_table
    from il1rn_annot.report.tsv import neutralized, one_line

    before = read_table(old)
    after = read_table(new or str(data_dir() / CATALOG_FILE))
    click.echo("\t".join(("change", "id", "field", "old", "new", "may_change_calls")))
    for c in diff(before, after):
        yes = "yes" if c.may_change_calls else ""
        # The tables are the user's files: their cells are made safe for a spreadsheet, as
        # the reports' are (report/tsv.py).
        cells = (neutralized(one_line(x)) for x in (c.change, c.id, c.field, c.old, c.new))
        click.echo("\t".join((*cells, yes)))


@catalog.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["vcf", "bed", "tsv"]),
    help="vcf: a record per allele (large deletions as <DEL> with END and SVLEN) for "
    "bcftools annotate -a; bed: each allele's interval (0-based, name = id) for bcftools view "
    "-R; tsv: the rows with this build's coordinates. Default: from the -o name.",
)
@click.option("--build", type=BuildType(), required=True, help="Genome build of the coordinates.")
@click.option(
    "--chrom",
    type=click.Choice(["chr2", "2"]),
    help="Name of chromosome 2, as in the VCFs to be matched. Default: chr2 on GRCh38, 2 on "
    "GRCh37.",
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    help="Write here (atomically); .vcf.gz is bgzipped with a .tbi index, .bcf gets a .csi. "
    "Default: stdout.",
)
def catalog_export(fmt: str | None, build: str, chrom: str | None, output: str | None) -> None:
    """Export the catalog's alleles on one build for other tools (bcftools view -R, bcftools
    annotate -a). Alleles without coordinates on that build are left out and named on stderr."""
    from il1rn_annot.catalog import load_catalog
    from il1rn_annot.catalog_export import export_format, render_export
    from il1rn_annot.report.output import ReportStream

    try:
        fmt = export_format(output, fmt)
    except UsageError as error:
        raise click.UsageError(str(error)) from None
    text = render_export(load_catalog(), fmt, build, chrom)
    with ReportStream(output, fmt) as stream:
        stream.add_text(text)


@catalog.command("check-updates")
@click.option(
    "--write-overlay",
    metavar="FILE",
    help="Also write the differences as a catalog overlay for a person to review: new "
    "records as 'uncertain' rows (never counted until classified), reclassified rows as "
    "overrides of clinvar_significance and notes only. The bundled catalog is never edited.",
)
@click.option(
    "--api-key",
    envvar="NCBI_API_KEY",
    help="NCBI API key (default: $NCBI_API_KEY): 10 requests a second instead of 3.",
)
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False),
    help="Where NCBI's answer is cached. Default: $XDG_CACHE_HOME/il1rn-annot "
    "(~/.cache/il1rn-annot).",
)
@click.option(
    "--max-age",
    type=click.FloatRange(min=0),
    default=24.0,
    show_default=True,
    help="Hours a cached answer is used before NCBI is asked again.",
)
@click.option("--refresh", is_flag=True, help="Ask NCBI even when the cache is young enough.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.01),
    default=30.0,
    show_default=True,
    help="Seconds to wait for each answer.",
)
@click.option(
    "--retries",
    type=click.IntRange(min=0, max=10),
    default=3,
    show_default=True,
    help="Retries after a timeout, HTTP 429 or 5xx (exponential backoff; Retry-After honoured).",
)
@click.option("--base-url", default=None, hidden=True, help="E-utilities base URL (tests).")
def catalog_check_updates(
    write_overlay: str | None,
    api_key: str | None,
    cache_dir: str | None,
    max_age: float,
    refresh: bool,
    timeout: float,
    retries: int,
    base_url: str | None,
) -> None:
    """Ask NCBI ClinVar (E-utilities: esearch/esummary for IL1RN[gene]) what it holds for
    IL1RN, and list what is new or reclassified against the bundled catalog (TSV on stdout).
    The only command that uses the network; it sends the gene query only, never sample data.
    Offline or failing: one line and exit 3."""
    import datetime

    from il1rn_annot.catalog import load_catalog
    from il1rn_annot.catalog_updates import compare, overlay_text
    from il1rn_annot.online import EUTILS, Client, il1rn_records
    from il1rn_annot.report.output import write_page
    from il1rn_annot.report.tsv import neutralized

    catalog = load_catalog()
    client = Client(base_url=base_url or EUTILS, api_key=api_key, timeout=timeout, retries=retries)
    from pathlib import Path

    answer = il1rn_records(client, Path(cache_dir) if cache_dir else None, max_age, refresh)
    fetched = datetime.datetime.fromtimestamp(answer.fetched_at, datetime.UTC)
    where = f"cache, {answer.age_hours:.1f} h old" if answer.from_cache else "just fetched"
    say(
        f"il1rn-annot: {len(answer.records)} ClinVar records for IL1RN from {answer.base_url}, "
        f"fetched {fetched:%Y-%m-%d %H:%M} UTC ({where}); catalog {catalog.version}"
    )
    updates = compare(catalog, answer.records)
    columns = "status clinvar_id significance review_status last_evaluated catalog_id "
    columns += "catalog_significance matched_by name"
    click.echo("\t".join(columns.split()))
    for u in updates:
        r = u.record
        cells = (u.status, r.accession, r.significance, r.review_status, r.last_evaluated)
        cells += (u.catalog_id, u.catalog_significance, u.matched_by, r.title)
        click.echo("\t".join(neutralized(" ".join(c.split())) for c in cells))
    if write_overlay:
        today = f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d}"
        write_page(write_overlay, overlay_text(updates, catalog, today))
