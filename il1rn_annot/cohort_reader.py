"""Sample columns of a multi-sample window as arrays (cyvcf2), one call object per distinct call.

A cohort's window costs what parsing its sample columns costs: formatting each record back to
text (2,500 columns of GT:AD:DP:GQ:PL) and splitting it in Python took most of the time. Here
pysam reads each record without its sample columns (ALT, INFO, FILTER, errors worded as before;
htslib skips the columns), and cyvcf2 reads the same region once more for the columns as numpy
arrays: GT, phase, DP, GQ, MIN_DP, PS, CN and FT. Samples whose columns are equal in those
fields share one ``SampleCall``, made from the arrays with the rules ``records._sample_call``
applies to the text (the comparison tests read every fixture both ways).

Only what the arrays state exactly takes this path: a diploid GT written first, integer DP, GQ,
MIN_DP, PS and CN, a string FT, no reference block, VCF before 4.4 (whose leading phase mark the
arrays cannot show). A window with any other record, or that the two readers do not see alike
(another htslib, another error), is read by pysam alone, as before (``Misaligned``). numpy and
cyvcf2 are imported only for files of ``COLUMNS_FROM`` samples or more: they cost start-up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import suppress

from il1rn_annot.model import CallColumn, SampleCall
from il1rn_annot.records import sample_filter

log = logging.getLogger(__name__)

#: FORMAT fields the calls read besides GT, and the header type each must have here.
_TYPES = {"DP": "Integer", "MIN_DP": "Integer", "GQ": "Integer", "PS": "Integer", "CN": "Integer",
          "FT": "String"}  # fmt: skip
_NUMBERS = ("DP", "MIN_DP", "GQ", "PS", "CN")
#: htslib's missing and end-of-vector values of a 32-bit integer (both read as '.').
_INT_MISSING = -(2**31)
_INT_END = -(2**31) + 1
_NONE = -(2**63)  # a missing number in the key matrix
#: Samples from which a window's sample columns are read as arrays. Measured on 1,500-record
#: windows (CPU s, text / arrays): 1 sample 0.28 / 0.37, 32 samples 0.83 / 1.11, 128 samples
#: 1.68 / 1.45, 512 samples 3.76 / 2.87 (numpy and cyvcf2 cost start-up, and each record a few
#: array operations).
COLUMNS_FROM = 100


class Misaligned(Exception):
    """cyvcf2 and pysam do not read the window alike: the window is read by pysam alone."""


class CohortRecord:
    """A pysam record read without samples, and the same record's sample columns as arrays
    (cyvcf2's variant, or ``cohort_text.TextVariant`` parsed from its line). ``records.convert``
    reads the record from the first, the calls from the second."""

    __slots__ = ("_memo", "_rec", "_types", "n_samples", "variant")

    def __init__(self, rec, variant, n_samples: int, types: dict[str, str], memo: dict) -> None:
        self._rec = rec
        self._memo = memo
        self.variant = variant
        self.n_samples = n_samples
        self._types = types

    def __getattr__(self, name: str):
        return getattr(self._rec, name)

    def __str__(self) -> str:
        # The text of a record the arrays cannot serve: cyvcf2's own text of it may differ from
        # pysam's (a BCF whose GT is not first), so the window is read by pysam alone.
        raise Misaligned(f"record at {self._rec.pos} read as text")

    def columnar_calls(
        self, n_alts: int, block: bool, declared: frozenset[str], detail: bool
    ) -> tuple[SampleCall, ...] | None:
        """The record's calls from the arrays, or None when its text must be parsed."""
        return sample_calls(self.variant, self._types, self._memo, n_alts, block, declared, detail)


class CohortFile:
    """A multi-sample indexed file read through both readers; ``fetch`` as pysam's."""

    def __init__(self, lean, vcf, samples: Sequence[str], types: dict[str, str]) -> None:
        self._lean = lean
        self._vcf = vcf
        self._n = len(samples)
        self._types = types
        self._memo: dict = {}  # equal calls of different records share one SampleCall

    def fetch(self, name: str, start: int, end: int) -> Iterator[CohortRecord]:
        rows = self._lean.fetch(name, start, end)  # a ValueError for an unknown contig, as pysam
        return self._paired(rows, f"{name}:{start + 1}-{end}")

    def _paired(self, rows, region: str) -> Iterator[CohortRecord]:
        try:
            variants = iter(self._vcf(region))
        except Exception as exc:  # cyvcf2 raises bare Exceptions
            raise Misaligned(f"cyvcf2 cannot query {region}: {exc}") from None
        for rec in rows:
            try:
                variant = next(variants)
            except Exception as exc:  # StopIteration included: fewer records than pysam
                raise Misaligned(f"cyvcf2 stopped before {rec.pos}: {exc!r}") from None
            if (rec.pos, rec.ref) != (variant.POS, variant.REF):
                raise Misaligned(f"cyvcf2 read {variant.POS} where pysam read {rec.pos}")
            yield CohortRecord(rec, variant, self._n, self._types, self._memo)
        try:
            extra = next(variants, None)
        except Exception as exc:
            raise Misaligned(f"cyvcf2 failed after the last record: {exc!r}") from None
        if extra is not None:
            raise Misaligned(f"cyvcf2 read a record at {extra.POS} that pysam did not")

    def fetch_kept(
        self, name: str, start: int, end: int, keep: Callable[[object], bool]
    ) -> Iterator[CohortRecord]:
        """The records of a region that ``keep`` keeps, as ``fetch`` gives them; ``keep`` reads
        only what pysam reads (no sample column). The others are read without their columns:
        the look-around for breakends reaching the window (a megabase each side) would have
        cyvcf2 parse every record there with every sample, to keep a few."""
        rows = self._lean.fetch(name, start, end)  # a ValueError for an unknown contig
        return (self._columns_of(name, rec) for rec in rows if keep(rec))

    def _columns_of(self, name: str, rec) -> CohortRecord:
        """One record with its columns, read by cyvcf2 at its position; a record another one
        there cannot be told from (same POS, REF and ALTs) is left to pysam (``Misaligned``)."""
        region = f"{name}:{rec.pos}-{rec.pos}"
        site = (rec.pos, rec.ref, list(rec.alts or ()))
        try:
            same = [v for v in self._vcf(region) if site == (v.POS, v.REF, v.ALT)]
        except Exception as exc:  # cyvcf2 raises bare Exceptions
            raise Misaligned(f"cyvcf2 cannot query {region}: {exc!r}") from None
        if len(same) != 1:
            raise Misaligned(f"cyvcf2 read {len(same)} records like the one at {rec.pos}")
        return CohortRecord(rec, same[0], self._n, self._types, self._memo)

    def close(self) -> None:
        """Close both; htslib fails to close some damaged files, which the reader's own file
        reports (``opening.closing``), or an error already on its way out has said."""
        for opened in (self._lean, self._vcf):
            with suppress(Exception):
                opened.close()


def open_cohort(
    source: str, index: str | None, samples: Sequence[str], header, label: str
) -> CohortFile | None:
    """Both readers on ``source``, or None where the arrays cannot serve it (cyvcf2 missing or
    failing to open it, samples it reads otherwise, VCF 4.4)."""
    import pysam

    version = next((r.value for r in header.records if r.key == "fileformat"), "") or ""
    if not version.startswith(("VCFv4.0", "VCFv4.1", "VCFv4.2", "VCFv4.3")):
        return None  # 4.4 may write a leading phase mark ('|0/1') the arrays do not show
    try:
        import cyvcf2
    except ImportError:
        log.debug("%s: cyvcf2 not installed: sample columns read as text", label)
        return None
    types = {k: header.formats[k].type for k in _TYPES if k in header.formats}
    cyvcf2.cyvcf2.set_htslib_log_level(
        0
    )  # HTS_LOG_OFF: its htslib's messages must not reach the user
    vcf = lean = None
    try:
        vcf = cyvcf2.VCF(source, samples=list(samples), gts012=False)
        if index:
            vcf.set_index(index)
        if list(vcf.samples) != list(samples):
            raise Misaligned("cyvcf2 reads other samples")
        lean = pysam.VariantFile(source, index_filename=index)
        lean.subset_samples([])  # the site fields only: cyvcf2 reads the columns
    except Exception as exc:  # cyvcf2 raises bare Exceptions
        log.debug("%s: sample columns read as text (%s)", label, exc)
        for opened in (vcf, lean):
            if opened is not None:
                with suppress(Exception):
                    opened.close()
        return None
    return CohortFile(lean, vcf, samples, types)


def sample_calls(
    variant,
    types: dict[str, str],
    memo: dict,
    n_alts: int,
    block: bool,
    declared: frozenset[str],
    detail: bool,
) -> tuple[SampleCall, ...] | None:
    """Every sample's ``SampleCall`` of one record, equal calls sharing one object; None when
    the record has anything the arrays do not state exactly (see the module docstring)."""
    import numpy as np

    keys = list(variant.FORMAT or ())
    if block or not keys or keys[0] != "GT":
        return None
    read = [k for k in keys if k in _TYPES]
    if any(types.get(k) != _TYPES[k] for k in read):
        return None
    genotypes = variant.genotype
    if genotypes is None or genotypes.ploidy != 2:
        return None
    made = memo.get((tuple(keys), n_alts, declared))  # calls by (row, FT), across records
    if made is None:
        made = memo[(tuple(keys), n_alts, declared)] = {}
    batch = getattr(variant, "batch", None)
    if batch is not None and not detail:
        numbers = [key for key in _NUMBERS if key in read]
        found = batch.calls(variant.line, keys, numbers, "FT" in read, n_alts, declared, made)
        if found is not None:
            return found
    gt = genotypes.array()
    if (gt[:, :2] < -2).any():
        return None  # not a GT htslib could have parsed: leave it to the text
    first, second, phased, haploid = _alleles(gt)
    bad = np.flatnonzero((first > n_alts) | (second > n_alts))
    if len(bad):  # the first sample's GT naming an allele the record does not have
        text = _gt_text(*(int(x[bad[0]]) for x in (first, second, phased)))
        raise ValueError(f"GT {text!r} names an allele the record does not have")
    # Each sample's call is distinct[codes[i]]: made once per distinct row of the matrix of
    # GT, phase, the numbers the FORMAT has and FT (the others are missing in every row).
    codes = np.empty(len(first), dtype=np.int32)
    distinct: list[SampleCall] = []
    rest = None  # every sample
    if not detail:  # a reference call is only its GT (reader._detail_predicate)
        reference = (first == 0) & ((second == 0) | haploid)
        # Which reference call: 0/0, 0|0 or a haploid 0 (whose phase is 0 by now).
        kind = np.where(haploid, 2, phased != 0)[reference]
        present = np.bincount(kind, minlength=3).tolist()
        number = _reference_calls(present, distinct, keys, n_alts, declared, made)
        codes[reference] = number[kind]
        rest = np.flatnonzero(~reference)
        if not len(rest):
            return _column(distinct, codes)
    numbers = [key for key in _NUMBERS if key in read]
    columns = [first, second, phased, *(_number(variant.format(key)[:, 0]) for key in numbers)]
    filters: Sequence[str] = ()
    has_ft = "FT" in read
    if has_ft:
        filters, ft_codes = np.unique(variant.format("FT"), return_inverse=True)
        columns.append(ft_codes.reshape(-1).astype(np.int64))
    matrix = np.stack(columns if rest is None else [c[rest] for c in columns], axis=1)
    rows, inverse = _distinct_rows(matrix)
    codes[slice(None) if rest is None else rest] = inverse + len(distinct)
    for row, ft in zip(*_call_rows(rows, numbers, filters if has_ft else None), strict=True):
        distinct.append(_call(row, ft, keys, n_alts, declared, made))
    return _column(distinct, codes)


def _alleles(gt):
    """GT as ``sample_calls`` compares it: first and second allele (-1 '.', -2 none: a haploid
    call, whose phase is 0) and phase, as int64 arrays over the leading axes of ``gt``; a GT
    with no allele at all is '.', as htslib writes it."""
    import numpy as np

    gt = gt.astype(np.int64)
    first, second, phased = gt[..., 0], gt[..., 1], gt[..., 2]
    haploid = second == -2
    first[first == -2] = -1
    phased[haploid] = 0
    return first, second, phased, haploid


def _number(values):
    """An integer FORMAT field's values as int64, htslib's missing and end-of-vector both
    ``_NONE``."""
    import numpy as np

    values = values.astype(np.int64)
    values[(values == _INT_MISSING) | (values == _INT_END)] = _NONE
    return values


def _call_rows(rows, numbers: list[str], filters) -> tuple[list[tuple], list]:
    """The distinct rows (GT, phase, the FORMAT's numbers, then FT's code where ``filters``) as
    ``_call`` takes them: GT, phase, every number of ``_NUMBERS`` (missing where the FORMAT has
    none); and each row's FT (None without one)."""
    import numpy as np

    full = np.full((len(rows), 3 + len(_NUMBERS)), _NONE, dtype=np.int64)
    full[:, :3] = rows[:, :3]
    full[:, [3 + _NUMBERS.index(key) for key in numbers]] = rows[:, 3 : 3 + len(numbers)]
    fts = [None] * len(rows) if filters is None else [str(filters[i]) for i in rows[:, -1].tolist()]
    return list(map(tuple, full.tolist())), fts


def _reference_calls(present, distinct: list, keys, n_alts, declared, made):
    """The reference calls apart from their GT that ``present`` says a record has (by kind:
    0/0, 0|0, a haploid 0), appended to ``distinct`` in the order ``_REFERENCE_KINDS`` makes
    them; returns each kind's place in ``distinct``."""
    import numpy as np

    number = np.zeros(3, dtype=np.int32)
    for k, (second_allele, phase) in _REFERENCE_KINDS:
        if present[k]:
            number[k] = len(distinct)
            row = (0, second_allele, phase, *[_NONE] * len(_NUMBERS))
            distinct.append(_call(row, None, keys, n_alts, declared, made))
    return number


class BatchRows:
    """The calls of a batch of records of one FORMAT (``cohort_text`` parses lines a batch at a
    time), for records whose reference calls are only their GT: the rows of the calls that are
    not reference (GT, phase, the numbers, FT) are found once for the batch, and each record
    then only picks its own, with the same calls ``sample_calls`` makes one record at a time.
    numpy's work per operation cost more than the operations themselves, record by record."""

    def __init__(self, gt, fields: dict) -> None:
        self._gt = gt  # (records, samples, 3): first and second allele, phase
        self._fields = fields  # key -> (records, samples, 1) integers, or (records, samples) FT
        self._found: tuple | None = None  # the batch's rows, for ``_what``
        self._what: tuple[tuple[str, ...], bool] | None = None
        self._calls: dict[tuple[object, ...], dict[int, SampleCall]] = {}

    def calls(
        self,
        line: int,
        keys: list[str],
        numbers: list[str],
        has_ft: bool,
        n_alts: int,
        declared: frozenset[str],
        made: dict,
    ) -> CallColumn | None:
        """Record ``line``'s calls, as ``sample_calls`` makes them without detail; None when its
        GTs name an allele the record does not have (``sample_calls`` words the error)."""

        what = (tuple(numbers), has_ft)
        if self._found is None or self._what != what:
            self._found, self._what = self._rows(numbers, has_ft), what
        kind, present, top, starts, samples, local, found, rows, fts = self._found
        if top[line] > n_alts:
            return None
        distinct: list[SampleCall] = []
        mine = [p[line] for p in present]
        number = _reference_calls(mine, distinct, keys, n_alts, declared, made)
        codes = number[kind[line]]  # the calls that are not reference are set below
        start, end = starts[line], starts[line + 1]
        if end > start:
            codes[samples[start:end]] = local[start:end] + len(distinct)
            known = self._calls.setdefault((tuple(keys), n_alts, declared), {})
            for at in found[line]:
                call = known.get(at)
                if call is None:
                    call = known[at] = _call(rows[at], fts[at], keys, n_alts, declared, made)
                distinct.append(call)
        return _column(distinct, codes)

    def _rows(self, numbers: list[str], has_ft: bool) -> tuple:
        """Per record: which reference call each sample has, whether each kind is there, the
        most allele any GT names; the samples whose calls are not reference, record after
        record, each with its row's place among the record's rows, and those rows (numbered
        across the batch; a record's in the order ``sample_calls`` numbers them)."""
        import numpy as np

        n_records, n_samples = self._gt.shape[:2]
        low = (self._gt[..., :2] < -2).any(axis=(1, 2))  # not a GT htslib could have parsed
        first, second, phased, haploid = _alleles(self._gt)
        top = np.where(low, np.iinfo(np.int64).max, np.maximum(first, second).max(axis=1))
        reference = (first == 0) & ((second == 0) | haploid)
        kind = np.where(haploid, 2, phased != 0)
        present = [((kind == k) & reference).any(axis=1).tolist() for k in range(3)]
        entries = np.flatnonzero(~reference.reshape(-1))
        lines, samples = np.divmod(entries, n_samples)
        starts = np.searchsorted(lines, np.arange(n_records + 1)).tolist()
        columns = [a.reshape(-1)[entries] for a in (first, second, phased)]
        columns += [_number(self._fields[key].reshape(-1)[entries]) for key in numbers]
        filters: Sequence[str] = ()
        if has_ft:
            filters, ft_codes = np.unique(
                self._fields["FT"].reshape(-1)[entries], return_inverse=True
            )
            columns.append(ft_codes.reshape(-1).astype(np.int64))
        if len(entries):
            rows, inverse = _distinct_rows(np.stack(columns, axis=1))
        else:
            rows, inverse = np.zeros((0, len(columns)), dtype=np.int64), entries
        row_tuples, fts = _call_rows(rows, numbers, filters if has_ft else None)
        # Each record's distinct rows, in the order of the batch's (sorted, as numpy.unique
        # sorts a record's), and each sample's place among them: one numpy.unique of (record,
        # row) for the batch.
        pairs, local = np.unique(lines * max(len(rows), 1) + inverse, return_inverse=True)
        bounds = np.searchsorted(pairs // max(len(rows), 1), np.arange(n_records + 1))
        local = local.reshape(-1) - bounds[lines]
        found_rows = (pairs % max(len(rows), 1)).tolist()
        bounds = bounds.tolist()
        found = [found_rows[bounds[j] : bounds[j + 1]] for j in range(n_records)]
        return kind, present, top.tolist(), starts, samples, local, found, row_tuples, fts


#: The reference calls apart from their GT: (kind, (second allele, phase)), in the order their
#: calls are made: a haploid 0, 0/0, 0|0.
_REFERENCE_KINDS = ((2, (-2, 0)), (0, (0, 0)), (1, (0, 1)))


def _column(distinct: list[SampleCall], codes) -> CallColumn:
    """The record's calls, sample by sample, with their groups (``CallColumn``)."""
    import numpy as np

    objects = np.empty(len(distinct), dtype=object)
    objects[:] = distinct
    column = CallColumn(objects[codes].tolist())
    column.distinct = tuple(distinct)
    # Two bytes a sample where they suffice (they always do but for a biobank's odd record).
    column.codes = codes.astype(np.uint16) if len(distinct) <= 0xFFFF else codes
    return column


def _distinct_rows(matrix):
    """The distinct rows of an integer matrix and, for each row, which of them it is: the
    columns combined into one number per row, each by its offset from its least value (coded
    by its distinct values where they spread wide), then one ``numpy.unique`` over the numbers
    (over rows, it sorts them as bytes: several times slower)."""
    import numpy as np

    key = np.zeros(len(matrix), dtype=np.int64)
    size = 1
    for column in matrix.T:
        low = int(column.min())
        span = int(column.max()) - low + 1
        if span == 1:
            continue  # the same value in every row
        if span > 1 << 16:  # a missing value beside small ones, say
            _, inverse = np.unique(column, return_inverse=True)
            column, low = inverse.reshape(-1), 0
            span = int(column.max()) + 1
        if size * span >= 1 << 62:  # renumber the keys so far: at most one per row
            _, key = np.unique(key, return_inverse=True)
            key = key.reshape(-1)
            size = int(key.max()) + 1
        key = key * span + (column - low)
        size *= span
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return matrix[first], inverse.reshape(-1)


def _gt_text(first: int, second: int, phased: int) -> str:
    """The GT as htslib writes it (what ``records._sample_call`` reads)."""
    a = "." if first < 0 else str(first)
    if second == -2:
        return a
    return a + ("|" if phased else "/") + ("." if second < 0 else str(second))


def _call(
    row: tuple[int, ...],
    ft: str | None,
    keys: list[str],
    n_alts: int,
    declared: frozenset[str],
    made: dict,
) -> SampleCall:
    """One distinct row of the key matrix (GT, phase, the numbers) and FT as the call
    ``records._sample_call`` makes of its text; equal ones across records share one object
    (``made``: the calls so far of records with these ``keys``, ``n_alts`` and ``declared``)."""
    known = made.get((row, ft))
    if known is not None:
        return known
    first, second, phased, dp, _min_dp, gq, ps, cn = row
    gt = _gt_text(first, second, phased)
    if gt == ".":
        alleles: tuple[int | None, ...] = (None, None)
    elif second == -2:
        alleles = (first,)
    else:
        alleles = (None if first < 0 else first, None if second < 0 else second)
    depth_key = "DP"  # MIN_DP is read for reference blocks only, which take the text path
    depth = None if dp == _NONE else dp
    quality = None if gq == _NONE else gq
    expected = set(keys)
    if any(a for a in alleles if a is not None):
        expected |= declared
    unknown = tuple(
        key for key, value in ((depth_key, depth), ("GQ", quality))
        if value is None and key in expected
    )  # fmt: skip
    call = made[(row, ft)] = SampleCall(
        alleles=alleles,
        phased=bool(phased) and len(alleles) > 1,
        phase_set=None if ps == _NONE else ps if ps >= 0 else str(ps),
        depth=depth,
        gq=quality,
        quality_unknown=unknown if any(a is not None for a in alleles) else (),
        sample_filter=sample_filter(ft),
        gt=gt,
        copy_number=None if cn == _NONE else cn,
    )
    return call


def read_cohort(
    source: str,
    index: str | None,
    samples: Sequence[str],
    vf,
    label: str,
    fetched: Callable,
    check: Callable | None = None,
):
    """``fetched(reader, notes)`` (the reader's indexed read) with the sample columns parsed
    from the window's text (``cohort_text``), else through both readers, else through pysam's
    ``vf`` alone: for fewer than ``COLUMNS_FROM`` samples, or when the readers cannot serve
    the file or do not read it alike. ``check(checked)`` is the GT check of a text file's lines
    (``opening.check_gt_text``); the regions the text path read are not read again."""
    from il1rn_annot.records import Notes

    if check is not None and TEXT_COLUMNS and len(samples) >= COLUMNS_FROM:
        found = _from_text(source, index, samples, vf, label, fetched)
        if found is not None:
            result, text = found
            check(text.covers)
            return result
    if check is not None:
        check()
    if len(samples) < COLUMNS_FROM:
        return fetched(vf, Notes())
    cohort = open_cohort(source, index, samples, vf.header, label)
    if cohort is not None:
        try:
            return fetched(cohort, Notes())
        except Misaligned as why:
            log.debug("%s: sample columns read as text (%s)", label, why)
        finally:
            cohort.close()
    return fetched(vf, Notes())


#: Whether a text file's sample columns are parsed from its text first (``cohort_text``).
TEXT_COLUMNS = True


def _from_text(source, index, samples, vf, label, fetched):
    """``fetched`` through ``cohort_text``, and the reader (which says what it read), or None
    when the text cannot serve. Any failure is left to the other paths, after the GT check,
    so that the user sees the error they give."""
    from il1rn_annot.cohort_text import open_text_cohort
    from il1rn_annot.records import Notes

    text = open_text_cohort(source, index, samples, vf.header, label)
    if text is None:
        return None
    try:
        return fetched(text, Notes()), text
    except Exception as why:  # read again the other way, which words the error
        log.debug("%s: sample columns not read from the text (%r)", label, why)
        return None
    finally:
        text.close()
