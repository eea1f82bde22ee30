"""il1rn-annot: find the IL1RN variants that cause DIRA in VCF/BCF files."""

__version__ = "0.5.0"
__all__ = ["__version__", "annotate"]


def __getattr__(name: str):
    """``annotate`` (il1rn_annot.api) is imported on first use: ``il1rn-annot --version`` and
    ``import il1rn_annot`` stay fast."""
    if name == "annotate":
        from il1rn_annot.api import annotate

        return annotate
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
