"""Settings from mkdocs.yml's extra.comments and COHUB_ environment variables."""

from __future__ import annotations

import re

import pytest

from bench.corpus import REPO
from cohub.comments.settings import CommentSettings, SettingsError, retention_periods, settings_from_env
from cohub.siteconfig import comment_settings_mapping, read_site_config
from tests.conftest import sample_site


def test_defaults() -> None:
    settings = settings_from_env({}, None)

    assert settings == CommentSettings()
    assert (settings.rate_limit_count, settings.rate_limit_window_minutes) == (5, 10)
    assert (settings.login_failure_limit, settings.login_failure_window_minutes) == (5, 15)
    assert (settings.retention_pending_days, settings.retention_rejected_days, settings.retention_approved_days) == (
        90,
        30,
        90,
    )
    assert (settings.smtp_security, settings.smtp_port) == ("starttls", 587)
    assert settings.forwarded_allow_ips == ""
    assert settings.trusted_proxies == ()
    assert not settings.trusts_any_proxy
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
        ({}, {"retention_pending_days": "soon"}, "extra.comments.retention_pending_days must be a whole number"),
        ({}, {"retention_approved_days": 0}, "retention_approved_days must be 1 or more, not 0"),
        ({"COHUB_SMTP_SECURITY": "ssl"}, None, "smtp_security must be one of starttls, tls, none, not 'ssl'"),
        ({"COHUB_SMTP_USERNAME": "hub"}, None, "smtp_username and smtp_password are needed together"),
        (
            {"COHUB_SMTP_USERNAME": "hub", "COHUB_SMTP_PASSWORD": "pw", "COHUB_SMTP_SECURITY": "none"},
            None,
            "smtp_security must be starttls or tls when smtp_username is set",
        ),
        ({"COHUB_FORWARDED_ALLOW_IPS": "10.0.0.1, nginx"}, None, "forwarded_allow_ips must list IP addresses"),
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


def test_trusted_proxies_are_read_as_uvicorn_takes_them() -> None:
    settings = settings_from_env({"COHUB_FORWARDED_ALLOW_IPS": "10.0.0.1, 192.168.0.0/16,"}, None)
    assert settings.trusted_proxies == ("10.0.0.1", "192.168.0.0/16")
    assert settings_from_env({}, {"forwarded_allow_ips": "*"}).trusts_any_proxy


def test_smtp_password_is_never_shown() -> None:
    settings = settings_from_env({"COHUB_SMTP_USERNAME": "hub", "COHUB_SMTP_PASSWORD": "mail secret"}, None)
    assert "mail secret" not in repr(settings)


def test_the_hubs_settings_state_the_default_retention_periods() -> None:
    extra = comment_settings_mapping(read_site_config(REPO))

    assert settings_from_env({}, extra) == CommentSettings(
        **{name: value for name, value in extra.items() if name.startswith("retention_")}
    )
    assert retention_periods(settings_from_env({}, extra)) == retention_periods(CommentSettings())


def test_the_privacy_notice_states_each_retention_period_from_the_settings() -> None:
    page = (sample_site() / "privacy" / "index.html").read_text(encoding="utf-8")
    notice = " ".join(re.sub(r"<[^>]+>", " ", page).split())

    for period in retention_periods(CommentSettings()):
        sentence = f"After {period.days} days, {period.what_happens}."
        assert sentence in notice, sentence
    assert not re.search(r"after a set time", notice)
