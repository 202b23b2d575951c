"""Settings from the environment: the typed Zalo and widget fields."""
import pytest

from bot.settings import Settings, parse_origins


@pytest.mark.parametrize("value, origins", [
    ("", ()),
    ("https://xa-tanlap.gov.vn", ("https://xa-tanlap.gov.vn",)),
    ("HTTPS://Xa-TanLap.gov.vn/ , http://localhost:8000\nhttps://xa-tanlap.gov.vn",
     ("https://xa-tanlap.gov.vn", "http://localhost:8000")),
])
def test_widget_origins(value, origins):
    assert parse_origins(value) == origins


@pytest.mark.parametrize("value", ["xa-tanlap.gov.vn", "https://xa.gov.vn/chat", "*", "ftp://xa.gov.vn",
                                   "https://xa.gov.vn:99999999"])
def test_a_bad_origin_is_a_clear_error(value):
    with pytest.raises(ValueError, match="WIDGET_ORIGINS"):
        parse_origins(value)


def from_env(monkeypatch, **env) -> Settings:
    """Settings from exactly these variables (no .env file, no process environment)."""
    monkeypatch.setattr("bot.settings._env", lambda: env)
    return Settings.from_env()


def test_zalo_settings_from_the_environment(monkeypatch):
    settings = from_env(monkeypatch, ZALO_APP_ID="123", ZALO_APP_SECRET="app-secret",
                        ZALO_OA_SECRET_KEY="oa-secret", ZALO_REFRESH_TOKEN="seed",
                        ZALO_API_URL="http://127.0.0.1:9000/", PUBLIC_BASE_URL="https://camtay.example/",
                        WIDGET_ORIGINS="https://xa-tanlap.gov.vn")
    assert (settings.zalo_app_id, settings.zalo_app_secret, settings.zalo_oa_secret_key,
            settings.zalo_refresh_token) == ("123", "app-secret", "oa-secret", "seed")
    assert settings.zalo_api_url == "http://127.0.0.1:9000"
    assert settings.zalo_oauth_url == "https://oauth.zaloapp.com"
    assert settings.public_base_url == "https://camtay.example"
    assert settings.widget_origins == ("https://xa-tanlap.gov.vn",)
    assert settings.zalo_configured
    assert "app-secret" not in repr(settings) and "oa-secret" not in repr(settings)


def test_zalo_is_off_until_all_three_keys_are_set(monkeypatch):
    assert not from_env(monkeypatch).zalo_configured
    assert not from_env(monkeypatch, ZALO_APP_ID="123", ZALO_OA_SECRET_KEY="oa").zalo_configured
    assert from_env(monkeypatch, ZALO_APP_ID="1", ZALO_APP_SECRET="a", ZALO_OA_SECRET_KEY="o").zalo_configured
