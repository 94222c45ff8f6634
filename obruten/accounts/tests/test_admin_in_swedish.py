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


def test_the_sign_in_libraries_have_swedish_names_on_the_index(world: World) -> None:
    """Issue 23: "OTP_TOTP" and "Axes" were shown as the libraries name themselves."""
    body = _admin(world).get(reverse("admin:index")).content.decode()
    assert "Engångskoder från app (TOTP)" in body and "Inloggningsförsök och spärrar" in body
    assert "OTP_TOTP" not in body and ">Axes<" not in body


def test_a_new_user_is_named_and_gets_the_administrations_rights_by_role_only(world: World) -> None:
    """Issue 23: a user without a name showed as "sara.nyanstalld" to the enhetschef;
    Superanvändare was offered; dissolved districts could be assigned."""
    from obruten.accounts.models import User
    from obruten.register.models import District

    client = _admin(world)
    add = reverse("admin:accounts_user_add")
    page = client.get(add)
    districts = {d.code for d in page.context["adminform"].form.fields["districts"].queryset}
    assert "farsta" in districts and not districts & {"rinkeby-kista", "alvsjo"}
    assert 'name="is_superuser"' not in page.content.decode()
    farsta = District.objects.get(code="farsta")
    post = {
        "username": "sara.nyanstalld",
        "usable_password": "false",
        "role": "socialsekreterare",
        "districts": [farsta.pk],
        "is_superuser": "on",  # forged: not a field of the form
    }
    refused = client.post(add, post)
    assert refused.status_code == 200 and not User.objects.filter(username="sara.nyanstalld").exists()
    assert set(refused.context["adminform"].form.errors) == {"first_name", "last_name", "email"}
    named = {**post, "first_name": "Sara", "last_name": "Nyanställd", "email": "sara@example.org"}
    assert client.post(add, named).status_code == 302
    sara = User.objects.get(username="sara.nyanstalld")
    assert (sara.get_full_name(), sara.is_staff, sara.is_superuser) == ("Sara Nyanställd", False, False)
    change = reverse("admin:accounts_user_change", args=[sara.pk])
    edit = client.get(change).context["adminform"].form.initial
    client.post(
        change,
        {
            **{k: v for k, v in edit.items() if k in {"username", "first_name", "last_name", "email"}},
            "role": "administrator",
            "districts": [],
            "is_active": "on",
        },
    )
    sara.refresh_from_db()
    assert (sara.is_staff, sara.is_superuser) == (True, True)
