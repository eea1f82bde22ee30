"""il1rn-annot: find the IL1RN variants that cause DIRA in VCF/BCF files."""

__version__ = "0.5.0"
