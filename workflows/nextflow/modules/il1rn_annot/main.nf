// il1rn-annot annotate on one VCF/BCF: the JSON report and the TSV (one row per sample and
// variant) of every sample in it. nf-core module conventions; see ../../README.md.
process IL1RN_ANNOT {
    tag "$meta.id"
    label 'process_single'

    conda "${moduleDir}/environment.yml"
    // NOT PUBLISHED YET: the biocontainers names il1rn-annot will have once it is on bioconda.
    container "${ workflow.containerEngine in ['singularity', 'apptainer'] && !task.ext.singularity_pull_docker_container ?
        'https://depot.galaxyproject.org/singularity/il1rn-annot:0.5.0' :
        'biocontainers/il1rn-annot:0.5.0' }"

    input:
    // index: the VCF's .tbi/.csi (named as htslib expects: the VCF's name plus .tbi or .csi),
    // or [] for none (the file is then read to the end).
    tuple val(meta), path(vcf), path(index)

    output:
    tuple val(meta), path("*.json"), emit: json
    tuple val(meta), path("*.tsv") , emit: tsv
    path "versions.yml"            , emit: versions

    when:
    task.ext.when == null || task.ext.when

    script:
    def args = task.ext.args ?: ''
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    il1rn-annot annotate $vcf $args -o ${prefix}.json
    il1rn-annot annotate $vcf $args --format tsv -o ${prefix}.tsv

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        il1rn-annot: \$(il1rn-annot --version | sed -n 's/^il1rn-annot //p')
        il1rn-annot-catalog: \$(il1rn-annot --version | sed -n 's/^catalog \\([^ ]*\\) .*/\\1/p')
    END_VERSIONS
    """

    stub:
    def prefix = task.ext.prefix ?: "${meta.id}"
    """
    touch ${prefix}.json
    touch ${prefix}.tsv

    cat <<-END_VERSIONS > versions.yml
    "${task.process}":
        il1rn-annot: \$(il1rn-annot --version | sed -n 's/^il1rn-annot //p')
        il1rn-annot-catalog: \$(il1rn-annot --version | sed -n 's/^catalog \\([^ ]*\\) .*/\\1/p')
    END_VERSIONS
    """
}
