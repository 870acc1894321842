"""The Dask path leaves the same store as the process pool and the serial executor."""

from __future__ import annotations

import shutil

import pytest

from ingest.executors import DaskExecutor, ProcessExecutor, SerialExecutor
from ingest.pipeline import ScanOptions, scan
from tests.ingest.conftest import BATCH, store_snapshot, write_pdf

pytest.importorskip("distributed")


def test_dask_process_pool_and_serial_give_the_same_store(round_template, tmp_path, dask_cluster):
    pages = round_template.pages[:9]  # one questionnaire and two pages of the next
    snaps = {}
    executors = {
        "serial": SerialExecutor(),
        "processes": ProcessExecutor(2),
        "dask": DaskExecutor(dask_cluster.scheduler_address),
    }
    for name, ex in executors.items():
        root = tmp_path / name
        shutil.copytree(round_template.root, root)
        pdf = write_pdf(root / "scans" / "batch.pdf", pages)
        options = ScanOptions(root, (pdf,), round_template.form_maps, batch=BATCH, chunk_pages=2)
        with ex:
            report = scan(options, executor=ex)
        assert report.run.executor == name
        assert report.run.new_pages == len(pages)
        snaps[name] = store_snapshot(root)
    assert snaps["dask"] == snaps["processes"] == snaps["serial"]
