"""The administration is used by the city's administrator in Swedish (issue 12): no
English left from the libraries, and access (role, districts) first on the user form."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from conftest import World


def _admin(world: World) -> Client:
    client = Client()
    client.force_login(world.users["administrator"])
    return client


def test_the_index_names_the_login_guard_in_swedish(world: World) -> None:
    body = _admin(world).get(reverse("admin:index")).content.decode()
    assert "Obruten – administration" in body
    assert "Inloggningsförsök" in body
    assert "Access attempts" not in body and "Access logs" not in body


def test_the_user_form_starts_with_role_and_districts_and_has_no_django_permissions(world: World) -> None:
    user = world.users["case_worker"]
    body = _admin(world).get(reverse("admin:accounts_user_change", args=[user.pk])).content.decode()
    assert body.index("Behörighet i Obruten") < body.index("Personuppgifter")
    assert body.index('name="role"') < body.index('name="first_name"')
    assert "Can add" not in body and "user_permissions" not in body
