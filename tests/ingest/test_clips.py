"""Clips: names by pseudonym and question, margins, atomic writes, candidates promoted or dropped."""

from __future__ import annotations

import cv2
import numpy as np

from ingest import clips


def test_names():
    sha = "ab" * 32
    assert clips.question_clip_name("ABCD1234X", "q01", sha) == "clips/ABCD1234X/q01_abababab.png"
    assert clips.question_clip_name("", "q01", sha) == f"clips/unidentified/{sha[:16]}/q01.png"
    assert clips.page_preview_name(sha) == f"clips/pages/{sha[:16]}.jpg"


def test_cut_adds_a_margin_clipped_to_the_image():
    gray = np.arange(100 * 200, dtype=np.uint32).reshape(100, 200).astype(np.uint8)
    clip = clips.cut(gray, (10, 20, 50, 60), dpi=150)  # margin 12 px at 150 dpi
    assert clip.shape == (40 + 24, 10 + 40 + 12)  # the left margin stops at the image edge
    np.testing.assert_array_equal(clip, gray[8:72, 0:62])
    assert clips.cut(gray, (5, 5, 5, 9)) is None  # empty rectangle


def test_clips_are_reduced_to_200_dpi():
    clip = clips.cut(np.zeros((900, 900), np.uint8), (0, 0, 600, 300), dpi=600)
    assert clip.shape == (round((300 + 48) / 3), round((600 + 48) / 3))


def test_wide_clips_are_scaled_down():
    gray = np.full((300, 4000), 255, np.uint8)
    clip = clips.cut(gray, (0, 100, 4000, 150))
    assert clip.shape[1] == clips.MAX_CLIP_WIDTH


def test_written_clips_read_back_and_leave_no_temporary_files(tmp_path):
    gray = np.zeros((50, 80), np.uint8)
    gray[10:20, 10:70] = 255
    assert clips.write_clip(tmp_path, "clips/P/q1_x.png", gray, (0, 0, 80, 50), dpi=200)
    back = cv2.imread(str(tmp_path / "clips/P/q1_x.png"), cv2.IMREAD_GRAYSCALE)
    np.testing.assert_array_equal(back, gray)
    assert [p.name for p in (tmp_path / "clips/P").iterdir()] == ["q1_x.png"]


def test_preview_is_reduced_to_100_dpi(tmp_path):
    name = clips.write_preview(
        tmp_path, np.full((1169 * 3, 827 * 3), 200, np.uint8), "f" * 64, dpi=300
    )
    back = cv2.imread(str(tmp_path / name), cv2.IMREAD_GRAYSCALE)
    assert back.shape == (1169, 827)


def test_candidates_are_promoted_then_dropped(tmp_path):
    sha = "cd" * 32
    gray = np.zeros((40, 40), np.uint8)
    clips.write_clip(tmp_path, clips.candidate_clip_name("q1", sha), gray, (0, 0, 40, 40), dpi=300)
    clips.write_clip(tmp_path, clips.candidate_clip_name("q2", sha), gray, (0, 0, 40, 40), dpi=300)
    final = clips.question_clip_name("P", "q1", sha)
    assert clips.promote(tmp_path, clips.candidate_clip_name("q1", sha), final)
    assert clips.promote(
        tmp_path, clips.candidate_clip_name("q1", sha), final
    )  # again: still there
    assert not clips.promote(tmp_path, clips.candidate_clip_name("q3", sha), "clips/P/q3.png")
    clips.drop_candidates(tmp_path, sha)
    assert not clips.candidate_dir(tmp_path, sha).exists()
    assert (tmp_path / final).is_file()
