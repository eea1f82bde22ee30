"""`catalog check-updates` against a real HTTP server on 127.0.0.1 that answers like NCBI
E-utilities (esearch/esummary JSON, retmode=json), and proof that `annotate` opens no socket.

The esummary records follow the documented structure (result.uids, one object per uid with
accession, title, germline_classification{description, review_status, last_evaluated},
variation_set[{canonical_spdi}]). VCV 14675/14676/97905 carry the research notes' facts, except
where ``SYNTHETIC`` says otherwise; ids 9000000xx are made up.
"""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from conftest import sample, vcf_text

from il1rn_annot.catalog import CATALOG_COLUMNS, CATALOG_FILE, data_dir, load_catalog

ROOT = Path(__file__).parent.parent


def summary(uid, title, description, review, spdi="", evaluated="2021/01/01 00:00"):
    return {
        "uid": uid,
        "obj_type": "single nucleotide variant",
        "accession": f"VCV{int(uid):09d}",
        "accession_version": f"VCV{int(uid):09d}.1",
        "title": title,
        "variation_set": [{"canonical_spdi": spdi, "variation_loc": []}],
        "germline_classification": {
            "description": description,
            "last_evaluated": evaluated,
            "review_status": review,
            "trait_set": [],
        },
        "genes": [{"symbol": "IL1RN", "geneid": "3557", "strand": "+", "source": "submitted"}],
    }


RECORDS = {
    "14675": summary(
        "14675",
        "NM_173842.3(IL1RN):c.229G>T (p.Glu77Ter)",
        "Pathogenic",
        "criteria provided, single submitter",
        "NC_000002.12:113131067:G:T",
    ),
    # SYNTHETIC: the notes say Pathogenic (no assertion criteria); reclassified here for the test.
    "14676": summary(
        "14676",
        "NM_173842.3(IL1RN):c.160C>T (p.Gln54Ter)",
        "Likely pathogenic",
        "criteria provided, single submitter",
        "NC_000002.12:113129618:C:T",
    ),
    "97905": summary(
        "97905", "NM_173842.3(IL1RN):c.156_157del", "not provided", "no classification provided"
    ),
    # SYNTHETIC: a new pathogenic SNV at a base the catalog confirms (c.160, 2:113129619 C).
    "900000001": summary(
        "900000001",
        "NM_173842.3(IL1RN):c.160C>G (p.Gln54Glu)",
        "Pathogenic",
        "criteria provided, single submitter",
        "NC_000002.12:113129618:C:G",
    ),
    # SYNTHETIC: a new benign record: listed, never written into an overlay.
    "900000002": summary(
        "900000002", "NM_173842.3(IL1RN):c.9A>G (p.=)", "Benign", "criteria provided"
    ),
}


def esearch(ids):
    return {
        "header": {"type": "esearch", "version": "0.3"},
        "esearchresult": {
            "count": str(len(ids)),
            "retmax": str(len(ids)),
            "retstart": "0",
            "idlist": list(ids),
            "translationset": [],
            "querytranslation": "IL1RN[gene]",
        },
    }


def esummary(ids):
    return {
        "header": {"type": "esummary", "version": "0.3"},
        "result": {"uids": list(ids), **{i: RECORDS[i] for i in ids}},
    }


class EutilsServer:
    """E-utilities on 127.0.0.1. ``script[endpoint]`` holds faults to serve first, in order:
    (status, headers, body, delay); then the normal JSON answer."""

    def __init__(self):
        self.requests: list[tuple[float, str, dict]] = []
        self.script: dict[str, list[tuple[int, dict, str, float]]] = {}
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(url.query))
                endpoint = url.path.rsplit("/", 1)[-1]
                server.requests.append((time.monotonic(), endpoint, query))
                queue = server.script.get(endpoint, [])
                if queue:
                    status, headers, body, delay = queue.pop(0)
                    time.sleep(delay)
                elif endpoint == "esearch.fcgi":
                    status, headers, body = 200, {}, json.dumps(esearch(RECORDS))
                else:
                    ids = query["id"].split(",")
                    status, headers, body = 200, {}, json.dumps(esummary(ids))
                data = body.encode()
                try:
                    self.send_response(status)
                    for key, value in {"Content-Type": "application/json", **headers}.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up (timeout test)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/entrez/eutils"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def eutils():
    server = EutilsServer()
    yield server
    server.close()


@pytest.fixture
def check(run, eutils, tmp_path):
    def _check(*args):
        return run(
            "catalog",
            "check-updates",
            "--base-url",
            eutils.url,
            "--cache-dir",
            tmp_path / "cache",
            *args,
        )

    return _check


def rows(stdout: str) -> dict[str, dict[str, str]]:
    lines = stdout.splitlines()
    header = lines[0].split("\t")
    return {
        r["clinvar_id"]: r
        for r in (dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:])
    }


def test_lists_new_and_reclassified_records(check, eutils):
    result = check()
    assert result.exit_code == 0, result.stderr
    found = rows(result.stdout)
    assert set(found) == {"VCV000014676", "VCV900000001", "VCV900000002"}
    assert found["VCV000014676"]["status"] == "reclassified"
    assert found["VCV000014676"]["catalog_id"] == "DIRA02"
    assert found["VCV000014676"]["significance"] == "Likely pathogenic"
    assert found["VCV900000001"]["status"] == "new"
    assert found["VCV900000001"]["name"] == "NM_173842.3(IL1RN):c.160C>G (p.Gln54Glu)"
    assert "5 ClinVar records for IL1RN" in result.stderr and "just fetched" in result.stderr
    # Only the gene query went out: no sample, file or variant of the user's.
    assert [endpoint for _, endpoint, _ in eutils.requests] == ["esearch.fcgi", "esummary.fcgi"]
    for _, _, query in eutils.requests:
        assert set(query) <= {"db", "term", "retmode", "retmax", "retstart", "id", "tool"}
        assert query["db"] == "clinvar" and query["retmode"] == "json"
    assert eutils.requests[0][2]["term"] == "IL1RN[gene]"


def test_written_overlay_is_for_review_and_loads(check, tmp_path, annotate):
    bundled = (data_dir() / CATALOG_FILE).read_bytes()
    lab = tmp_path / "review.tsv"
    result = check("--write-overlay", lab)
    assert result.exit_code == 0, result.stderr
    assert (data_dir() / CATALOG_FILE).read_bytes() == bundled  # never edited
    merged = load_catalog(overlay=str(lab))
    new = merged.get("CLINVAR-900000001")
    assert (new.classification, new.evidence_level, new.source) == (
        "uncertain",
        "unknown",
        "overlay",
    )
    locus = new.locus("GRCh38")
    assert (locus.pos, locus.ref, locus.alt) == (113129619, "C", "G")
    assert "needs curation" in new.row["classification_basis"]
    assert merged.entry("CLINVAR-900000002") is None  # benign: listed, not written
    override = merged.get("DIRA02")
    assert override.source == "overlay_override"
    assert override.classification == "pathogenic"  # ClinVar never reclassifies by itself
    assert override.row["clinvar_significance"].startswith("Likely pathogenic")
    changed = {k for k, v in override.row.items() if v != load_catalog().get("DIRA02").row[k]}
    assert changed == {"clinvar_significance", "notes"}
    # Used as an overlay, the new row is listed and asks for review, but never counts.
    report = annotate(vcf_text(["s"], ["113129619 C G PASS GT 1/1"]), "--catalog-overlay", lab)
    s = sample(report, "s")
    assert s["dira_genotype"] == "none" and s["needs_review"]
    assert s["variants"][0]["dira_id"] == "CLINVAR-900000001"


def test_cache_is_used_and_its_age_shown(check, eutils):
    assert check().exit_code == 0
    asked = len(eutils.requests)
    again = check()
    assert again.exit_code == 0
    assert len(eutils.requests) == asked  # nothing went out
    assert "(cache, 0.0 h old)" in again.stderr
    assert rows(again.stdout).keys() == {"VCV000014676", "VCV900000001", "VCV900000002"}
    assert check("--refresh").exit_code == 0
    assert len(eutils.requests) == 2 * asked
    assert check("--max-age", "0").exit_code == 0
    assert len(eutils.requests) == 3 * asked


def test_429_with_retry_after_is_honoured(check, eutils):
    eutils.script["esearch.fcgi"] = [
        (429, {"Retry-After": "1"}, '{"error":"API rate limit exceeded"}', 0)
    ]
    result = check()
    assert result.exit_code == 0, result.stderr
    (first, _, _), (second, _, _) = eutils.requests[:2]
    assert second - first >= 0.95
    assert [e for _, e, _ in eutils.requests] == ["esearch.fcgi", "esearch.fcgi", "esummary.fcgi"]


def test_5xx_then_success(check, eutils):
    eutils.script["esummary.fcgi"] = [
        (503, {}, "busy", 0),
        (502, {}, "<html>bad gateway</html>", 0),
    ]
    result = check()
    assert result.exit_code == 0, result.stderr
    assert [e for _, e, _ in eutils.requests].count("esummary.fcgi") == 3
    assert "VCV900000001" in result.stdout


def test_persistent_5xx_is_one_line_and_exit_3(check, eutils):
    eutils.script["esearch.fcgi"] = [(500, {}, "down", 0)] * 3
    result = check("--retries", "1")
    assert result.exit_code == 3
    assert (
        result.stderr.strip()
        == f"il1rn-annot: error: {eutils.url}: esearch.fcgi: HTTP 500 (2 tries)"
    )
    assert result.stdout == ""


def test_slow_reply_times_out(check, eutils):
    eutils.script["esearch.fcgi"] = [(200, {}, json.dumps(esearch(RECORDS)), 2.0)]
    result = check("--timeout", "0.3", "--retries", "0")
    assert result.exit_code == 3
    assert result.stderr.strip().endswith("esearch.fcgi: no answer within 0.3 s (1 tries)")


@pytest.mark.parametrize(
    "endpoint, body, message",
    [
        ("esearch.fcgi", "<html>maintenance</html>", "esearch.fcgi: the answer is not JSON"),
        ("esearch.fcgi", '{"header": {}}', "esearch.fcgi: no esearchresult"),
        ("esearch.fcgi", '{"esearchresult": {"ERROR": "Invalid db name"}}', "Invalid db name"),
        ("esearch.fcgi", '{"esearchresult": {"count": "x"}}', "no count/idlist"),
        ("esummary.fcgi", '{"result": {"uids": []}}', "no summary for id"),
        ("esummary.fcgi", "[1, 2]", "not an E-utilities JSON object"),
    ],
)
def test_malformed_answers_are_one_line_and_exit_3(
    check, eutils, tmp_path, endpoint, body, message
):
    eutils.script[endpoint] = [(200, {}, body, 0)]
    out = tmp_path / "review.tsv"
    result = check("--write-overlay", out)
    assert result.exit_code == 3
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_offline_is_one_line_and_exit_3(run, tmp_path):
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run(
        "catalog",
        "check-updates",
        "--base-url",
        f"http://127.0.0.1:{port}",
        "--cache-dir",
        tmp_path,
    )
    assert result.exit_code == 3
    line = result.stderr.strip()
    assert "\n" not in line and "cannot reach NCBI E-utilities (offline?" in line


def test_rate_rule_without_and_with_an_api_key(check, eutils, monkeypatch):
    assert check().exit_code == 0
    (a, _, _), (b, _, _) = eutils.requests
    assert b - a >= 0.3  # at most 3 requests a second (0.34 s apart when sent)
    eutils.requests.clear()
    monkeypatch.setenv("NCBI_API_KEY", "test-key")
    assert check("--refresh").exit_code == 0
    assert all(query["api_key"] == "test-key" for _, _, query in eutils.requests)


#: Runs the CLI with every way of opening a socket replaced by one that records and refuses.
NO_SOCKETS = """
import socket, sys
tried = []
def refuse(*args, **kwargs):
    tried.append(args)
    sys.stderr.write("SOCKET ATTEMPT\\n")
    raise OSError("network use is forbidden in this test")
class Refused(socket.socket):
    def __init__(self, *args, **kwargs):
        refuse(*args)
socket.socket = Refused
socket.create_connection = refuse
socket.getaddrinfo = refuse
socket.socketpair = refuse
if sys.argv[1] == "--probe":
    import urllib.request
    try:
        urllib.request.urlopen("http://127.0.0.1:9/")
    except Exception:
        pass
    sys.exit(0 if tried else 1)
from il1rn_annot.cli import main
sys.argv = ["il1rn-annot", *sys.argv[1:]]
main()
"""


def test_annotate_opens_no_socket(tmp_path):
    script = tmp_path / "no_sockets.py"
    script.write_text(NO_SOCKETS)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    probe = subprocess.run(
        [sys.executable, script, "--probe"], capture_output=True, text=True, env=env
    )
    assert probe.returncode == 0 and "SOCKET ATTEMPT" in probe.stderr  # the trap works
    lab = tmp_path / "lab.tsv"
    row = {
        **load_catalog().get("DIRA02").row,
        "classification": "uncertain",
        "classification_basis": "lab: synthetic test override",
    }
    lab.write_text("\t".join(CATALOG_COLUMNS) + "\n" + "\t".join(row.values()) + "\n")
    out = tmp_path / "out.json"
    args = [
        "annotate",
        ROOT / "examples" / "dira_example.vcf.gz",
        "--clinvar",
        Path(__file__).parent / "data" / "clinvar_GRCh38_slice.vcf",
        "--catalog-overlay",
        lab,
        "-o",
        out,
    ]
    result = subprocess.run(
        [sys.executable, script, *map(str, args)], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr
    assert "SOCKET ATTEMPT" not in result.stderr
    report = json.loads(out.read_text())
    assert report["tool"]["catalog_overlay_sha256"] == hashlib.sha256(lab.read_bytes()).hexdigest()
    assert report["clinvar"]["alleles_in_window"] == 2


@pytest.mark.skipif(
    subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode != 0,
    reason="no network namespaces here",
)
def test_annotate_runs_without_any_network(tmp_path):
    """In a network namespace with no interface up, htslib's C code included."""
    out = tmp_path / "out.json"
    command = [sys.executable, "-m", "il1rn_annot", "annotate", "examples/dira_example.vcf.gz"]
    result = subprocess.run(
        ["unshare", "-rn", *command, "-o", str(out)], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_text())["samples"]


def test_a_bad_base_url_is_one_line_and_exit_3(run, tmp_path):
    result = run(
        "catalog", "check-updates", "--base-url", "ftp://127.0.0.1", "--cache-dir", tmp_path
    )
    assert result.exit_code == 3 and "esearch.fcgi: No connection adapters" in result.stderr
