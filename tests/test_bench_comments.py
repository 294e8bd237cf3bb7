"""The comment service benchmark runs end to end and finds every acknowledged comment."""

from __future__ import annotations

from bench.comments import main


def test_the_comment_benchmark_finds_every_acknowledged_comment(capsys):
    assert main(["--clients", "3", "--requests-per-client", "3", "--seconds", "30"]) == 0
    figures = dict(line.split("=", 1) for line in capsys.readouterr().out.splitlines())
    assert figures["missing_acknowledged"] == "0"
    assert int(figures["acknowledged"]) > 0
    assert figures["submissions_sent"] == "9"
    assert figures["baseline_get_ok"] == "9"


def test_the_crash_test_kills_the_service_restarts_it_and_finds_every_acknowledged_comment(capsys):
    assert main(["--clients", "3", "--requests-per-client", "200", "--seconds", "30", "--kill-after", "0.5"]) == 0
    figures = dict(line.split("=", 1) for line in capsys.readouterr().out.splitlines())
    assert figures["restarted_and_took_a_comment"] == "True"
    assert figures["missing_acknowledged"] == "0"
    assert 0 < int(figures["acknowledged"]) < 600
