"""Settings from mkdocs.yml's extra.comments and COHUB_ environment variables."""

from __future__ import annotations

import pytest

from cohub.comments.settings import CommentSettings, SettingsError, settings_from_env


def test_defaults() -> None:
    settings = settings_from_env({}, None)

    assert settings == CommentSettings()
    assert (settings.rate_limit_count, settings.rate_limit_window_minutes) == (5, 10)
    assert (settings.login_failure_limit, settings.login_failure_window_minutes) == (5, 15)
    assert settings.purge_after_days == 30
    assert not settings.notifications_enabled


def test_mkdocs_extra_is_read_and_other_keys_are_left_alone() -> None:
    settings = settings_from_env(
        {},
        {
            "site_name": "Co-production hub",
            "rate_limit_count": 3,
            "smtp_host": "localhost",
            "smtp_from": "hub@example.org",
            "smtp_to": ["a@example.org", "b@example.org"],
            "endpoint": "/comments",
        },
    )

    assert settings.site_name == "Co-production hub"
    assert settings.rate_limit_count == 3
    assert settings.smtp_to == ("a@example.org", "b@example.org")
    assert settings.notifications_enabled


def test_the_environment_wins_over_mkdocs_extra() -> None:
    settings = settings_from_env(
        {
            "COHUB_RATE_LIMIT_COUNT": " 7 ",
            "COHUB_SMTP_HOST": "mail.internal",
            "COHUB_SMTP_PORT": "2525",
            "COHUB_SMTP_FROM": "hub@example.org",
            "COHUB_SMTP_TO": "a@example.org, b@example.org,",
            "COHUB_CLIENT_HASH_SECRET": "s3cret",
            "UNRELATED": "x",
        },
        {"rate_limit_count": 3, "smtp_host": "localhost"},
    )

    assert settings.rate_limit_count == 7
    assert (settings.smtp_host, settings.smtp_port) == ("mail.internal", 2525)
    assert settings.smtp_to == ("a@example.org", "b@example.org")
    assert settings.client_hash_secret == "s3cret"
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize(
    ("environ", "extra", "message"),
    (
        ({"COHUB_RATE_LIMIT_COUNT": "lots"}, None, "COHUB_RATE_LIMIT_COUNT must be a whole number, not 'lots'"),
        ({}, {"purge_after_days": "soon"}, "extra.comments.purge_after_days must be a whole number"),
        ({"COHUB_MAX_BODY_BYTES": "0"}, None, "max_body_bytes must be 1 or more, not 0"),
        ({}, {"smtp_to": 5}, "extra.comments.smtp_to must be a list of email addresses"),
        ({}, {"site_name": ["a"]}, "extra.comments.site_name must be text"),
        ({"COHUB_SMTP_HOST": "localhost"}, None, "smtp_from and smtp_to are needed when smtp_host is set"),
    ),
)
def test_bad_values_are_reported_by_name(
    environ: dict[str, str], extra: dict[str, object] | None, message: str
) -> None:
    with pytest.raises(SettingsError, match=message):
        settings_from_env(environ, extra)
