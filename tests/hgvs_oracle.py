"""An independent HGVS implementation to check ours against: biocommons ``hgvs`` (PyPI, Apache-2.0).

``hgvs`` normally reads transcripts from the UTA database and sequences from SeqRepo, neither of
which is reachable offline. Here it reads a SYNTHETIC genome (made up, not IL1RN's sequence) and
the NM_173842.3 exon table through its own data-provider interface; everything else (mapping
g. to c., 3' normalisation, translating and naming p.) is its code, not ours.
"""

from __future__ import annotations

import random
import warnings

with warnings.catch_warnings():
    warnings.simplefilter("ignore", ResourceWarning)  # hgvs leaves its defaults.ini open
    import hgvs.normalizer
    import hgvs.parser
    import hgvs.variantmapper
    from hgvs.dataproviders.interface import Interface

from il1rn_annot.gene_model.coordinates import Transcript
from il1rn_annot.gene_model.hgvs_names import CODON_TABLE

CHROM = "NC_000002.12"
PROTEIN_AC = "NP_776214.1"


def synthetic_genome(tx: Transcript, seed: int) -> dict[int, str]:
    """Random bases around NM_173842.3 with a CDS that codes P18510 through randomly chosen
    synonymous codons, ending in a random stop codon. SYNTHETIC: not IL1RN's sequence."""
    rng = random.Random(seed)
    codons: dict[str, list[str]] = {}
    for codon, aa in CODON_TABLE.items():
        codons.setdefault(aa, []).append(codon)
    bases = {g: rng.choice("ACGT") for g in range(tx.start - 200, tx.end + 201)}
    coding = "".join(rng.choice(codons[aa]) for aa in tx.protein + "*")
    coding = "ATG" + coding[3:]
    cds = [g for e in tx.exons for g in range(e.cds_start, e.cds_end + 1)]
    bases.update(zip(cds, coding, strict=True))
    return bases


class SyntheticProvider(Interface):
    """The minimum of hgvs's data-provider interface, over a dict of genomic bases."""

    required_version = "1.1"

    def __init__(self, tx: Transcript, bases: dict[int, str]):
        super().__init__()
        self.tx, self.bases = tx, bases
        self.exons, offset = [], 0
        for i, e in enumerate(tx.exons):
            size = e.end - e.start + 1
            self.exons.append(
                {"tx_ac": tx.name, "alt_ac": CHROM, "alt_strand": 1, "alt_aln_method": "splign",
                 "ord": i, "tx_exon_id": i, "alt_exon_id": i, "tx_start_i": offset,
                 "tx_end_i": offset + size, "alt_start_i": e.start - 1, "alt_end_i": e.end,
                 "cigar": f"{size}="}
            )  # fmt: skip
            offset += size
        self.tx_seq = "".join(bases[g] for e in tx.exons for g in range(e.start, e.end + 1))
        utr5 = sum(
            min(e.end, tx.cds_start - 1) - e.start + 1 for e in tx.exons if e.start < tx.cds_start
        )
        self.cds = {"cds_start_i": utr5, "cds_end_i": utr5 + tx.cds_length}

    def data_version(self):
        return "synthetic"

    def schema_version(self):
        return "1.1"

    def get_seq(self, ac, start_i=None, end_i=None):
        if ac == CHROM:
            return "".join(self.bases.get(g + 1, "N") for g in range(start_i, end_i))
        if ac == self.tx.name:
            return self.tx_seq[start_i:end_i]
        if ac == PROTEIN_AC:
            return (self.tx.protein + "*")[start_i:end_i]
        raise KeyError(ac)

    def get_tx_exons(self, tx_ac, alt_ac, alt_aln_method):
        return self.exons

    def get_tx_info(self, tx_ac, alt_ac, alt_aln_method):
        return {"hgnc": "IL1RN", "tx_ac": tx_ac, "alt_ac": alt_ac, "alt_aln_method": "splign",
                **self.cds}  # fmt: skip

    def get_tx_identity_info(self, tx_ac):
        lengths = [x["tx_end_i"] - x["tx_start_i"] for x in self.exons]
        return {"tx_ac": tx_ac, "alt_ac": tx_ac, "alt_aln_method": "transcript", "hgnc": "IL1RN",
                "lengths": lengths, **self.cds}  # fmt: skip

    def get_tx_mapping_options(self, tx_ac):
        return [{"tx_ac": tx_ac, "alt_ac": CHROM, "alt_aln_method": "splign"}]

    def get_pro_ac_for_tx_ac(self, tx_ac):
        return PROTEIN_AC

    def get_acs_for_protein_seq(self, seq):
        return [PROTEIN_AC]

    def get_assembly_map(self, assembly_name):
        return {CHROM: "2"}

    def get_gene_info(self, gene):
        return None

    def get_similar_transcripts(self, tx_ac):
        return []

    def get_tx_for_gene(self, gene):
        return []

    def get_tx_for_region(self, alt_ac, alt_aln_method, start_i, end_i):
        return []


class Oracle:
    """c. and p. names of a VCF-style allele according to biocommons hgvs."""

    def __init__(self, tx: Transcript, bases: dict[int, str]):
        self.tx = tx
        provider = SyntheticProvider(tx, bases)
        self.parser = hgvs.parser.Parser()
        self.mapper = hgvs.variantmapper.VariantMapper(
            provider, replace_reference=False, prevalidation_level=None
        )
        # 3' shifting on the genome, as HGVS asks for a c. description with intronic offsets.
        self.normalizer = hgvs.normalizer.Normalizer(provider, shuffle_direction=3, validate=False)

    def names(self, pos: int, ref: str, alt: str) -> tuple[str, str]:
        while ref and alt and ref[0] == alt[0]:
            ref, alt, pos = ref[1:], alt[1:], pos + 1
        while ref and alt and ref[-1] == alt[-1]:
            ref, alt = ref[:-1], alt[:-1]
        span = f"{pos}" if len(ref) == 1 else f"{pos}_{pos + len(ref) - 1}"
        if len(ref) == 1 and len(alt) == 1:
            edit = f"{pos}{ref}>{alt}"
        elif not alt:
            edit = f"{span}del"
        elif not ref:
            edit = f"{pos - 1}_{pos}ins{alt}"
        else:
            edit = f"{span}delins{alt}"
        var_g = self.normalizer.normalize(self.parser.parse_hgvs_variant(f"{CHROM}:g.{edit}"))
        var_c = self.mapper.g_to_c(var_g, self.tx.name)
        return str(var_c), str(self.mapper.c_to_p(var_c)).partition(":")[2]
