"""A cohort window's sample columns parsed from its own text, where that text is plain.

cyvcf2 parsing every sample column (2,500 columns of GT:AD:DP:GQ:PL) and the GT grammar check
reading the same text again cost most of a cohort's time. Here the window's lines are read once
through tabix: each line's sample columns are checked and parsed with numpy into the arrays
``cohort_reader.sample_calls`` takes from cyvcf2 (GT, phase, the first value of each integer
field, FT), and htslib parses the same lines' site fields from their first eight columns
(``cohort_sites``), so that the window is inflated and scanned once.

Only text htslib cannot read two ways is parsed here: GT of one or two alleles ('.', 0, or a
number of at most 9 digits without leading zeros, joined by / or |); every other FORMAT field
an Integer of the header, each value '.' or at most 9 digits without leading zeros, or a String
of printable ASCII; no empty field, no more fields than FORMAT has, as many columns as the
header has samples. Such a line's GTs are in the VCF grammar, so the GT check
(``opening.check_gt_text``) need not read it again. A window with any other line (a Float
field, '+1', '-5', '007', a third allele, a space in a String, bytes that are not UTF-8, VCF
4.4) raises ``Misaligned`` and is read as before (cyvcf2, or pysam).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import suppress

from il1rn_annot import cohort_reader
from il1rn_annot.cohort_reader import _NUMBERS, CohortRecord, Misaligned
from il1rn_annot.cohort_sites import SITE_COLUMNS, SiteReader, header_without_samples

log = logging.getLogger(__name__)

_INT_MISSING = -(2**31)
#: The fields ``sample_calls`` reads besides GT.
_WANTED = (*_NUMBERS, "FT")
#: The longest number read here (htslib's limits are past 9 digits).
_DIGITS = 9
_TAB, _COLON, _COMMA, _DOT, _SLASH, _BAR, _ZERO = b"\t:,./|0"


class _Genotypes:
    """What ``sample_calls`` reads of cyvcf2's ``Genotypes``."""

    __slots__ = ("_array", "ploidy")

    def __init__(self, array, ploidy: int) -> None:
        self._array = array
        self.ploidy = ploidy

    def array(self):
        return self._array


class TextVariant:
    """One record's sample columns as cyvcf2 gives them to ``sample_calls``: ``FORMAT``,
    ``genotype`` (first and second allele, -1 for '.', -2 for none; the phase column 1 for '|'
    and for a haploid call, as cyvcf2's) and ``format(key)``, the first value of an integer
    field (htslib's missing value for '.' and for a field the column leaves out)."""

    __slots__ = ("FORMAT", "_fields", "batch", "genotype", "line")

    def __init__(
        self, keys: list[str], genotype: _Genotypes, fields: dict, batch=None, line: int = 0
    ) -> None:
        self.FORMAT = keys
        self.genotype = genotype
        self._fields = fields
        self.batch = batch  # the lines parsed with this one (``cohort_reader.BatchRows``)
        self.line = line  # which of them this is

    def format(self, key: str):
        return self._fields[key]


#: The most text parsed in one go: numpy's work per call is paid once for many lines, and
#: memory stays bounded however many samples a line has.
BATCH_BYTES = 1 << 20
BATCH_LINES = 256
#: The most sample-column text whose lines' site fields htslib parses in one go (each go reads
#: the header again: a few ms for a header of 3,000 contigs).
SITE_BYTES = 16 << 20
SITE_LINES = 4096


def parse_columns(
    lines: Sequence[bytes],
    keys: list[str],
    n_file: int,
    keep=None,
    wanted: Sequence[str] = (),
    strings: Collection[str] = (),
) -> list[TextVariant] | None:
    """The sample columns of lines of one FORMAT (each the text after its FORMAT column's tab)
    as arrays, for the samples ``keep`` (indices in the file, all when None); None when any
    line is not of the plain kind of the module docstring. ``keys`` is the FORMAT: GT first,
    the others Integer but for ``strings``; only the fields ``wanted`` are parsed into values.
    The lines are parsed as one text: a few passes over the bytes at C speed (comparisons, no
    per-byte lookup), then work per column."""
    import numpy as np

    # A tab each side; three more after, read only by ``numbers`` (which looks two bytes ahead,
    # from as far as the byte after the last tab).
    raw = b"\t" + b"\t".join(lines) + b"\t\t\t\t"
    padded = np.frombuffer(raw, dtype=np.uint8)
    text = padded[:-3]
    n_lines, n_columns = len(lines), len(lines) * n_file
    value = padded - np.uint8(_ZERO)  # a digit's value; 10 or more for any other byte
    is_digit = value < 10
    digit = is_digit[:-3]
    is_dot = padded == _DOT
    tab, colon, dot = text == _TAB, text == _COLON, is_dot[:-3]
    mark = (text == _SLASH) | (text == _BAR)
    inner = (text == _COMMA) | mark  # separators inside a field
    if int(np.count_nonzero(tab)) != n_columns + 1:
        return None  # not a column a sample
    tabs = np.flatnonzero(tab)
    colons = np.flatnonzero(colon)
    first_colon = np.searchsorted(colons, tabs)
    n_colons = np.diff(first_colon)
    if int(n_colons.max()) >= len(keys):
        return None  # more fields than FORMAT has
    texts = {}
    string_fields = [k for k, key in enumerate(keys) if k and key in strings]
    if string_fields:  # their bytes are any printable ones; the checks below skip them
        delta = np.zeros(len(text) + 1, dtype=np.int8)
        for k in string_fields:
            begin, end = _field(np, k, colons, first_colon, n_colons, tabs)
            delta[begin] += 1
            delta[end] -= 1  # an empty field adds nothing: the check of '::' finds it
            if keys[k] in wanted:
                texts[keys[k]] = (begin, end, n_colons >= k)
        inside = np.cumsum(delta[:-1], dtype=np.int8).view(bool)
        if (inside & ((text < 0x21) | (text > 0x7E))).any():
            return None  # a space, a control character or a byte past ASCII in a String
        outside = ~inside
        digit, dot, inner = digit & outside, dot & outside, inner & outside
        mark &= outside
        allowed = inside
    else:
        allowed = np.zeros(len(text), dtype=bool)
    sep = tab | colon | inner
    if not (sep | digit | dot | allowed).all():
        return None  # a byte no plain column has ('+', '-', 'e')
    if (sep[1:] & sep[:-1]).any():
        return None  # an empty field or value ('::', ',,', a trailing ':', '|0/1')
    if (dot[1:-1] & ~(sep[:-2] & sep[2:])).any():
        return None  # '.' beside other characters ('.5', '1.0', '..')
    if ((text[1:-1] == _ZERO) & sep[:-2] & digit[2:]).any():
        return None  # a leading zero ('007', '01/1')
    run = digit[1:] & digit[:-1]  # two digits from here
    run = run[2:] & run[:-2]  # four
    run = run[4:] & run[:-4]  # eight
    if (run[2:] & run[:-2]).any():
        return None  # ten digits or more
    # Every value is now '.' or at most 9 digits, between two separators.
    starts = np.cumsum([1] + [len(line) + 1 for line in lines[:-1]])
    if not (tabs[:n_columns:n_file] + 1 == starts).all():
        return None  # a line with more or fewer columns than the header's samples

    def numbers(at, missing: int):
        """The values starting at ``at``, and where each ends. Most have one or two digits:
        those are read at once, the others digit by digit."""
        first = value[at].astype(np.int32)
        second = value[at + 1]
        two = second < 10
        out = np.where(is_dot[at], missing, np.where(two, first * 10 + second, first))
        end = at + 1 + two
        longer = np.flatnonzero(two & is_digit[at + 2])
        if len(longer):
            number, at = out[longer], at[longer] + 2
            going = np.ones(len(longer), dtype=bool)
            while going.any():
                number = np.where(going, number * 10 + value[at], number)
                at = at + going
                going &= is_digit[at]
            out[longer], end[longer] = number, at
        return out, end

    begin = tabs[:-1] + 1  # each column's first byte: its GT's first allele
    first, after = numbers(begin, -1)
    stop = text[after]
    diploid = (stop == _SLASH) | (stop == _BAR)
    if (stop == _COMMA).any() or int(np.count_nonzero(mark)) != int(np.count_nonzero(diploid)):
        return None  # a list in GT, or a phase mark past a column's second allele
    # Read after every column's first allele (past the next field's first byte where there is
    # no second allele: a value then, kept only where the column is diploid).
    second, end = numbers(after + 1, -1)
    if not (~diploid | (padded[end] == _TAB) | (padded[end] == _COLON)).all():
        return None  # a third allele, or a list
    gt = np.empty((n_columns, 3), dtype=np.int32)
    gt[:, 0] = first
    gt[:, 1] = np.where(diploid, second, -2)
    gt[:, 2] = ~diploid | (stop == _BAR)  # cyvcf2 says 1 for a haploid call
    gt = gt.reshape(n_lines, n_file, 3)
    ploidy = diploid.reshape(n_lines, n_file).any(axis=1).tolist()
    fields = {}
    for k, key in enumerate(keys):
        if key in texts:
            continue
        if k and key in wanted and len(colons):
            # The k-th colon's next byte; a column with fewer colons reads another's, unused.
            at = colons[np.minimum(first_colon[:-1] + k - 1, len(colons) - 1)] + 1
            field = np.where(n_colons >= k, numbers(at, _INT_MISSING)[0], _INT_MISSING)
            fields[key] = field.astype(np.int32).reshape(n_lines, n_file, 1)
        elif k and key in wanted:
            fields[key] = np.full((n_lines, n_file, 1), _INT_MISSING, dtype=np.int32)
    for key, (begin, end, there) in texts.items():  # a String read (FT): '.' where left out
        if not there.reshape(n_lines, n_file).any(axis=1).all():
            return None  # a line none of whose columns has it (htslib stores no value)
        spans = zip(begin.tolist(), end.tolist(), strict=True)
        found = iter([raw[b:e].decode("ascii") for b, e in spans])
        fields[key] = np.array([next(found) if t else "." for t in there.tolist()]).reshape(
            n_lines, n_file
        )
    if keep is not None:
        gt = gt[:, keep]
        fields = {key: values[:, keep] for key, values in fields.items()}
        if any(two and not (gt[j, :, 1] != -2).any() for j, two in enumerate(ploidy)):
            return None  # the samples read are all haploid where others are not
    batch = cohort_reader.BatchRows(gt, fields)
    return [
        TextVariant(
            keys,
            _Genotypes(gt[j], 2 if two else 1),
            {k: v[j] for k, v in fields.items()},
            batch,
            j,
        )
        for j, two in enumerate(ploidy)
    ]


def _field(np, k: int, colons, first_colon, n_colons, tabs):
    """Where field ``k`` (1 or more) of each column that has it begins and ends."""
    there = n_colons >= k
    first = first_colon[:-1][there]
    begin = colons[first + k - 1] + 1
    later = n_colons[there] > k  # another colon after it in the column
    end = np.where(later, colons[np.minimum(first + k, len(colons) - 1)], tabs[1:][there])
    return begin, end


class TextCohortFile:
    """A multi-sample ``.vcf.gz`` whose window lines are read once, through tabix: their sample
    columns parsed here, their site fields by htslib (``cohort_sites``); ``fetch`` as pysam's.
    ``covers`` says which regions had every line read and checked."""

    def __init__(
        self,
        tabix,
        sites: SiteReader,
        n_file: int,
        keep,
        formats: dict[str, str],
        open_lean: Callable[[], object],
    ) -> None:
        self._tabix = tabix
        self._sites = sites
        self._contigs = frozenset(tabix.contigs)
        self._open_lean = open_lean
        self._lean = None  # pysam without samples, opened for ``fetch_kept`` only
        self._n_file = n_file
        self._keep = keep
        self._n = n_file if keep is None else len(keep)
        self._formats = formats  # FORMAT field -> its header type
        self._types = {k: formats[k] for k in cohort_reader._TYPES if k in formats}
        self._memo: dict = {}
        self._keys: dict[bytes, list[str] | None] = {}
        self._read: dict[str, list[tuple[int, int]]] = {}

    def fetch(self, name: str, start: int, end: int) -> Iterator[CohortRecord]:
        if name not in self._contigs:
            raise ValueError(f"invalid contig `{name}`")  # as pysam's fetch says it
        try:
            lines = self._tabix.fetch(name, start, end)
        except ValueError as exc:
            raise Misaligned(f"tabix cannot fetch {name}:{start + 1}-{end}: {exc}") from None
        return self._records(lines, name, start, end)

    def _records(self, lines, name: str, start: int, end: int) -> Iterator[CohortRecord]:
        """The records of ``lines`` with their columns: the site fields of many lines parsed
        by htslib in one go (each go reads the header again), the columns a batch at a time."""
        chunk: list[list[bytes]] = []
        size = 0
        chrom = name.encode("utf-8")
        while True:
            line = self._next(lines)
            if line is None or size >= SITE_BYTES or len(chunk) >= SITE_LINES:
                yield from self._chunk(chunk)
                chunk, size = [], 0
            if line is None:
                break
            parts = line.encode("utf-8").split(b"\t", 9)
            if len(parts) < 10 or parts[0] != chrom:
                raise Misaligned(f"a line of {name} without sample columns, or of another contig")
            chunk.append(parts)
            size += len(parts[9])
        self._read.setdefault(name, []).append((start, end))

    def _chunk(self, chunk: list[list[bytes]]) -> Iterator[CohortRecord]:
        """The records of lines split at their first nine tabs: the site fields from htslib in
        one go, the columns parsed a batch at a time."""
        if not chunk:
            return
        sites = b"".join(b"\t".join(parts[:SITE_COLUMNS]) + b"\n" for parts in chunk)
        records = self._sites.records(sites, len(chunk))
        batch: list = []
        size = 0
        for rec, parts in zip(records, chunk, strict=True):
            if batch and (size + len(parts[9]) > BATCH_BYTES or len(batch) >= BATCH_LINES):
                yield from self._parsed(batch)
                batch, size = [], 0
            batch.append((rec, parts))
            size += len(parts[9])
        yield from self._parsed(batch)

    @staticmethod
    def _next(lines) -> str | None:
        try:
            return next(lines)
        except StopIteration:
            return None
        except (UnicodeDecodeError, OSError, ValueError) as exc:
            raise Misaligned(f"tabix failed: {exc!r}") from None

    def _parsed(self, batch: list) -> Iterator[CohortRecord]:
        """The records of ``batch`` ((pysam record, its line split at its first nine tabs)),
        their columns parsed together where consecutive lines share a FORMAT."""
        split = []
        for rec, parts in batch:
            if (parts[1], parts[3]) != (str(rec.pos).encode(), (rec.ref or "").encode()):
                raise Misaligned(f"tabix read {parts[1]!r} where pysam read {rec.pos}")
            split.append((rec, parts[8], parts[9]))
        at = 0
        while at < len(split):
            fmt = split[at][1]
            stop = at + 1
            while stop < len(split) and split[stop][1] == fmt:
                stop += 1
            keys = self._format(fmt)
            group = split[at:stop]
            variants = None
            if keys is not None:
                columns = [c for _, _, c in group]
                strings = [k for k in keys if self._formats.get(k) == "String"]
                variants = parse_columns(columns, keys, self._n_file, self._keep, _WANTED, strings)
            if variants is None:
                raise Misaligned(f"the sample columns at {group[0][0].pos} are not plain text")
            for (rec, _, _), variant in zip(group, variants, strict=True):
                yield CohortRecord(rec, variant, self._n, self._types, self._memo)
            at = stop

    def _format(self, text: bytes) -> list[str] | None:
        """FORMAT's keys when GT is first and every other key an Integer or a String of the
        header."""
        if text not in self._keys:
            keys = text.decode("ascii", "replace").split(":")
            plain = (
                keys[0] == "GT"
                and self._formats.get("GT") == "String"
                and len(set(keys)) == len(keys)
                and all(self._formats.get(k) in ("Integer", "String") for k in keys[1:])
            )
            self._keys[text] = keys if plain else None
        return self._keys[text]

    def fetch_kept(
        self, name: str, start: int, end: int, keep: Callable[[object], bool]
    ) -> Iterator[CohortRecord]:
        """The records of a region that ``keep`` keeps (it reads the site fields only), each
        with its line, found at its position (see ``cohort_reader.CohortFile.fetch_kept``).
        pysam reads the region without its sample columns."""
        if self._lean is None:
            try:
                self._lean = self._open_lean()
            except (OSError, ValueError) as exc:
                raise Misaligned(f"pysam cannot open the file again: {exc}") from None
        rows = self._lean.fetch(name, start, end)  # a ValueError for an unknown contig
        return (self._columns_of(name, rec) for rec in rows if keep(rec))

    def _columns_of(self, name: str, rec) -> CohortRecord:
        site = (str(rec.pos), rec.ref or "", ",".join(rec.alts or ()) or ".")
        try:
            same = [
                line
                for line in self._tabix.fetch(name, rec.pos - 1, rec.pos)
                if tuple(line.split("\t", 5)[i] for i in (1, 3, 4)) == site
            ]
        except (UnicodeDecodeError, OSError, ValueError, IndexError) as exc:
            raise Misaligned(f"tabix cannot read {name}:{rec.pos}: {exc!r}") from None
        if len(same) != 1:
            raise Misaligned(f"tabix read {len(same)} records like the one at {rec.pos}")
        parts = same[0].encode("utf-8").split(b"\t", 9)
        if len(parts) < 10:
            raise Misaligned(f"no sample column at {rec.pos}")
        return next(self._parsed([(rec, parts)]))

    def covers(self, name: str, region) -> bool:
        """Whether every line of ``region`` (1-based, inclusive) was read and checked."""
        reach = region.start - 1
        for start, end in sorted(self._read.get(name, ())):
            if start > reach:
                break
            reach = max(reach, end)
        return reach >= region.end

    def close(self) -> None:
        for opened in (self._lean, self._tabix):
            if opened is not None:
                with suppress(Exception):
                    opened.close()


def open_text_cohort(
    source: str, index: str | None, samples: Sequence[str], header, label: str
) -> TextCohortFile | None:
    """tabix on ``source``, or None where its text cannot serve (VCF 4.4, tabix failing to
    open it, a header without its #CHROM line)."""
    import pysam

    version = next((r.value for r in header.records if r.key == "fileformat"), "") or ""
    if not version.startswith(("VCFv4.0", "VCFv4.1", "VCFv4.2", "VCFv4.3")):
        return None  # 4.4 may write a leading phase mark ('|0/1')

    def open_lean():
        lean = pysam.VariantFile(source, index_filename=index)
        lean.subset_samples([])  # the site fields only: the columns are parsed here
        return lean

    tabix = lean = None
    try:
        tabix = pysam.TabixFile(source, index=index, encoding="utf-8")
        lines = list(tabix.header)
        sites = header_without_samples(lines)
        if sites is None:
            raise ValueError("no #CHROM line where tabix ends the header")
        every = lines[-1].split("\t")[9:]
        if list(samples) != every:  # a subset: its place among htslib's own list of samples
            lean = pysam.VariantFile(source, index_filename=index)
            every = list(lean.header.samples)
            lean.close()
    except (OSError, ValueError) as exc:  # UnicodeDecodeError included
        log.debug("%s: sample columns not read from the text (%s)", label, exc)
        for opened in (lean, tabix):
            if opened is not None:
                with suppress(Exception):
                    opened.close()
        return None
    keep = None
    if list(samples) != every:
        import numpy as np

        at = {name: i for i, name in enumerate(every)}
        keep = np.array([at[name] for name in samples], dtype=np.int64)
    formats = {key: header.formats[key].type for key in header.formats}
    return TextCohortFile(tabix, SiteReader(sites), len(every), keep, formats, open_lean)
