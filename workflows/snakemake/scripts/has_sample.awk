# Exit 0 when the il1rn-annot TSV has a row for sample s (awk -v s=NAME -F '\t'), else 1.
NR == 1 { for (i = 1; i <= NF; i++) if ($i == "sample") column = i; next }
column && $column == s { found = 1; exit }
END { exit !found }
