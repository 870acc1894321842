"""The Dask path leaves the same store as the process pool and the serial executor."""

from __future__ import annotations

import json
import shutil

import pytest

from ingest.pipeline import ScanOptions, scan
from papersurvey.cli import main
from survey.executors import ProcessExecutor, SerialExecutor
from tests.ingest.conftest import BATCH, store_snapshot, write_pdf

pytest.importorskip("distributed")


def test_dask_process_pool_and_serial_give_the_same_store(
    round_template, tmp_path, dask_cluster, capsys
):
    pages = round_template.pages[:9]  # one questionnaire and two pages of the next
    snaps = {}
    for name, ex in {"serial": SerialExecutor(), "processes": ProcessExecutor(2)}.items():
        root = tmp_path / name
        shutil.copytree(round_template.root, root)
        pdf = write_pdf(root / "scans" / "batch.pdf", pages)
        options = ScanOptions(root, (pdf,), round_template.form_maps, batch=BATCH, chunk_pages=2)
        with ex:
            report = scan(options, executor=ex)
        assert report.run.executor == name
        assert report.run.new_pages == len(pages)
        snaps[name] = store_snapshot(root)
    # the Dask run goes through the command line, as an operator would start it
    root = tmp_path / "dask"
    shutil.copytree(round_template.root, root)
    pdf = write_pdf(root / "scans" / "batch.pdf", pages)
    address = dask_cluster.scheduler_address
    assert main(["scan", str(root), str(pdf), "--dask", address, "--batch", BATCH, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["run"]["executor"] == "dask" and report["run"]["workers"] == 2
    snaps["dask"] = store_snapshot(root)
    assert snaps["dask"] == snaps["processes"] == snaps["serial"]
