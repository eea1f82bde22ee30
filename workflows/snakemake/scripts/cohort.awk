# The cohort table: the per-sample TSVs of il1rn-annot under one header, each keeping only the
# rows of its own sample. Arguments: sample=NAME FILE, one pair per sample (cohort_arguments in
# rules/common.smk). Fails (exit 1, one line on stderr) when the files' headers differ, when
# their rows were made by different il1rn-annot or catalog versions (a report kept from before
# an upgrade: Snakemake does not rerun a job when the tool changes), or when a file has no row
# for its sample.
BEGIN { FS = "\t"; OFS = "\t" }

FNR == 1 {
    if (NR > 1) check_previous()
    file = FILENAME; own = sample; rows = 0; column = 0; tool = 0; catalog = 0
    for (i = 1; i <= NF; i++) {
        if ($i == "sample") column = i
        if ($i == "tool_version") tool = i
        if ($i == "catalog_sha256") catalog = i
    }
    if (!column || !tool || !catalog) fail(file ": not an il1rn-annot TSV (no sample, tool_version or catalog_sha256 column)")
    if (NR == 1) { header = $0; first = file; print; next }
    if ($0 != header) fail(file ": its columns differ from those of " first)
    next
}

$column == own {
    made_by = "il1rn-annot " $tool " with catalog sha256 " $catalog
    if (!first_made_by) first_made_by = made_by
    if (made_by != first_made_by) fail(file " was made by " made_by ", " first " by " first_made_by ": rerun with --forcerun annotate")
    rows++
    print
}

END { if (!failed) check_previous() }

function check_previous() {
    if (!rows) fail(file ": no row for sample " own)
}

function fail(message) {
    failed = 1
    print "il1rn-annot cohort: error: " message > "/dev/stderr"
    exit 1
}
