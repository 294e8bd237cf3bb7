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


def test_the_crash_test_holds_on_postgresql_with_two_instances_sharing_the_database(capsys, postgres):
    url = postgres.new_schema_url()
    try:
        assert (
            main(
                [
                    "--db",
                    url,
                    "--instances",
                    "2",
                    "--clients",
                    "4",
                    "--requests-per-client",
                    "150",
                    "--seconds",
                    "30",
                    "--kill-after",
                    "0.5",
                ]
            )
            == 0
        )
    finally:
        postgres.drop_schema(url)
    figures = dict(line.split("=", 1) for line in capsys.readouterr().out.splitlines())
    assert (figures["database"], figures["instances"]) == ("postgresql", "2")
    assert figures["restarted_and_took_a_comment"] == "True"
    assert figures["missing_acknowledged"] == "0"
    # The instance that was not killed kept taking comments after the other one died.
    assert 300 <= int(figures["acknowledged"]) < 600
    assert (
        "ConnectionRefusedError" in figures["submission_errors"] or "RemoteDisconnected" in figures["submission_errors"]
    )
