# The cohort table: the per-sample TSVs of il1rn-annot under one header, each keeping only the
# rows of its own sample. Arguments: sample=NAME FILE, one pair per sample (cohort_arguments in
# rules/common.smk). Fails (exit 1, one line on stderr) when the files' headers differ (two
# il1rn-annot versions in one table) or a file has no row for its sample.
BEGIN { FS = "\t"; OFS = "\t" }

FNR == 1 {
    if (NR > 1) check_previous()
    file = FILENAME; own = sample; rows = 0; column = 0
    for (i = 1; i <= NF; i++) if ($i == "sample") column = i
    if (!column) fail(file ": no sample column (not an il1rn-annot TSV)")
    if (NR == 1) { header = $0; print; next }
    if ($0 != header) fail(file ": its columns differ from the first file's (another il1rn-annot version?)")
    next
}

$column == own { rows++; print }

END { if (!failed) check_previous() }

function check_previous() {
    if (!rows) fail(file ": no row for sample " own)
}

function fail(message) {
    failed = 1
    print "il1rn-annot cohort: error: " message > "/dev/stderr"
    exit 1
}
