#!/usr/bin/env nextflow
// il1rn-annot over a sample sheet: one IL1RN_ANNOT task per row, then a cohort table.
//
//   nextflow run workflows/nextflow/main.nf --input samplesheet.csv --outdir results
//
// samplesheet.csv: a header `sample,vcf,index`, one row per VCF; `sample` names the outputs
// (meta.id), `index` (.tbi/.csi) may be empty. Relative paths are from the launch directory.
nextflow.enable.dsl = 2

include { IL1RN_ANNOT } from './modules/il1rn_annot/main'

params.input = null
params.outdir = 'results'

// The sample sheet as the module's inputs, checked before any task starts: a wrong sheet stops
// the run with one line naming the sheet and the problem.
def readSamplesheet(path) {
    def rows = file(path, checkIfExists: true).splitCsv(header: true, strip: true)
    if (!rows) {
        error "${path}: no rows under the header (sample,vcf,index)"
    }
    def unknown = rows[0].keySet() - ['sample', 'vcf', 'index']
    if (unknown) {
        error "${path}: unknown column '${unknown.first()}' (columns: sample,vcf,index)"
    }
    def seen = [] as Set
    return rows.collect { row ->
        if (!row.sample || !row.vcf) {
            error "${path}: every row needs sample and vcf: ${row}"
        }
        if (!(row.sample ==~ /[A-Za-z0-9][A-Za-z0-9._-]*/)) {
            error "${path}: sample '${row.sample}': use letters, digits, '.', '_' and '-' only"
        }
        if (!seen.add(row.sample)) {
            error "${path}: sample ${row.sample} appears twice"
        }
        def index = row.index ? file(row.index, checkIfExists: true) : []
        [[id: row.sample], file(row.vcf, checkIfExists: true), index]
    }
}

workflow {
    if (!params.input) {
        error "give the sample sheet: --input samplesheet.csv (header: sample,vcf,index)"
    }
    IL1RN_ANNOT(Channel.fromList(readSamplesheet(params.input)))

    // The cohort table: every task's TSV under one header (the first file's), by file name.
    IL1RN_ANNOT.out.tsv
        .map { meta, tsv -> tsv }
        .collectFile(name: 'cohort.tsv', keepHeader: true, skip: 1, sort: { it.name }, storeDir: params.outdir)
}
