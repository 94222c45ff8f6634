"""Swedish first, English available: the user's choice, not the browser's, decides."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse

from conftest import World

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_pages_are_swedish_even_for_an_english_browser(world: World) -> None:
    response = Client().get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en")
    assert '<html lang="sv">' in response.content.decode()
    assert "Logga in" in response.content.decode()


def test_a_user_who_chooses_english_gets_english(world: World) -> None:
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.force_login(world.users["case_worker"])
    body = client.get(reverse("register:child_detail", kwargs={"child_id": world.own.pk})).content.decode()
    assert '<html lang="en">' in body
    assert "Placements and school start" in body and "Personal identity number" in body


def test_every_swedish_text_has_an_english_translation() -> None:
    text = CATALOGUE.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the first is the header
    untranslated = [
        entry
        for entry in entries
        for translation in re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', entry, re.M)
        if not "".join(re.findall(r'"(.*)"', translation))
    ]
    assert not untranslated


def _text(quoted: str) -> str:
    return "".join(re.findall(r'"(.*)"', quoted)).replace('\\"', '"')


def test_the_compiled_catalogue_matches_the_source() -> None:
    with CATALOGUE.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in CATALOGUE.read_text(encoding="utf-8").split("\n\n")[1:]:
        if "msgid_plural" in entry:
            continue
        msgid, msgstr = entry.split("msgid ", 1)[1].split("\nmsgstr ", 1)
        assert compiled.gettext(_text(msgid)) == _text(msgstr), _text(msgid)
