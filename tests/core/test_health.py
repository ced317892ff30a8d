import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] in {"ok", "degraded"}


@pytest.mark.django_db
def test_healthz_stays_200_with_the_broker_down(client, settings):
    # Nothing listens on port 1: the broker is unreachable, as when Redis is stopped.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    settings.HEALTHZ_BROKER_TIMEOUT = 0.5
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "broker": "degraded"}


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    monkeypatch.setattr("core.views.database_state", lambda: "error")
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "error"


@pytest.mark.redis
@pytest.mark.django_db
def test_healthz_sees_a_running_redis_broker(client, settings):
    import os

    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis://"):
        pytest.skip("needs a real Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/0")
    settings.CELERY_BROKER_URL = url
    assert client.get(reverse("healthz")).json()["broker"] == "ok"


@pytest.mark.django_db
def test_healthz_is_never_cached(client):
    assert "no-cache" in client.get(reverse("healthz"))["Cache-Control"]
