"""The names of the report formats and of stdout: the CLI needs them to build its options, at a
start-up that must not import the writers (gzip, tempfile and the rest come with ``output``)."""

FORMATS = ("json", "tsv", "summary", "vcf")
STDOUT = "<stdout>"
