"""The `hail` command: the same calls from a MatrixTable, a VariantDataset or a pVCF, read by
Hail on a Spark master. Registered on the `cli` group when cli.py is imported; Hail itself is
imported only when the command runs."""

from __future__ import annotations

import click

from il1rn_annot.cli import BuildType, cli
from il1rn_annot.errors import UsageError


@cli.command("hail")
@click.argument("source", metavar="INPUT")
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    required=True,
    help="calls.tsv or calls.json (the annotate command's reports, written atomically), or "
    "calls.ht (a Hail Table keyed by sample, written by Hail).",
)
@click.option(
    "--master",
    metavar="URL",
    help="Spark master, e.g. local[2], yarn or spark://host:7077. Default: Spark's own "
    "(local[*] on one machine; the cluster's under hailctl dataproc submit).",
)
@click.option("--tmp-dir", metavar="DIR", help="Hail's temporary directory (a bucket on clusters).")
@click.option("--build", type=BuildType(), help="Genome build; checked against the input's.")
@click.option(
    "--min-dp",
    type=click.IntRange(0),
    default=10,
    show_default=True,
    help="Least depth (DP, or MIN_DP of a reference block) for a call to count.",
)
@click.option(
    "--min-gq",
    type=click.IntRange(0),
    default=20,
    show_default=True,
    help="Least GQ for a call to count.",
)
def hail_command(
    source: str,
    output: str,
    master: str | None,
    tmp_dir: str | None,
    build: str | None,
    min_dp: int,
    min_gq: int,
) -> None:
    """Call DIRA genotypes with Hail: INPUT is a MatrixTable (.mt), a VariantDataset (.vds)
    or a bgzipped VCF/pVCF. Hail reads only the partitions of the IL1RN window; the calls are
    made by the same rules as `annotate` and written as its reports (or a Hail Table)."""
    from il1rn_annot.hail.output import write_calls

    kind = output.rstrip("/").rsplit(".", 1)[-1].lower()
    if kind not in ("tsv", "json", "ht"):
        raise click.UsageError(f"--output {output!r}: name it .tsv, .json or .ht")
    if source.rstrip("/") == output.rstrip("/"):
        raise UsageError("the output would replace the input", output)
    write_calls(source, output, kind, master, tmp_dir, build, min_dp=min_dp, min_gq=min_gq)
