"""The IL1RN gene model (NM_173842.3), one module for each thing it owns: ``coordinates`` (the
model from data/, genomic <-> c. coordinates, exon/intron/UTR location, the other isoforms),
``consequence`` (the Sequence Ontology terms of an allele) and ``hgvs_names`` (c. and p. names,
the 3' rule, translation with --fasta)."""
