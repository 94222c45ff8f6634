"""What the load test's simulated users need, written as JSON to the file named on the
command line: signed-in sessions of the demo logins, and one-time questionnaire links for
the children, created through the service as a case worker would (so each is audited).

The staff arrive signed in: fifty Argon2 password checks at once would measure the
password hash (deliberately slow; this script prints one check's time), not the pages,
and a working day's sign-ins are spread over hours, not a minute.

Run by bench/load.py against the database it loaded the demo into:

    python bench/load/prepare.py OUT.json
"""

from __future__ import annotations

import itertools
import json
import sys
import time
from pathlib import Path

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from obruten.accounts import policy  # noqa: E402
from obruten.accounts.models import User  # noqa: E402
from obruten.participation import services  # noqa: E402
from obruten.participation.models import Question, Template  # noqa: E402
from obruten.participation.services import VALID_VALUES  # noqa: E402
from obruten.register.demo import DEMO_PASSWORD  # noqa: E402

ROLES = {
    "case_workers": ["handlaggare.farsta", "handlaggare2.farsta", "handlaggare.bromma"],
    "unit_managers": ["enhetschef.farsta"],
    "analysts": ["analytiker"],
}
SESSIONS_PER_ROLE = 320  # more than the users of any one role in the mixes (300 case workers of 400)
LINKS = 400
CALM = {Question.Kind.SCALE: "4", Question.Kind.YES_NO: "yes", Question.Kind.TEXT: "Det går bra."}


def harmless_answer(question: Question) -> str:
    """An answer that raises no alert: the load test measures pages, not alert e-mail."""
    kind = str(question.kind)
    preferred = CALM[Question.Kind(kind)]
    options = [preferred, *sorted(VALID_VALUES.get(kind, set()) - {""})]
    return next(value for value in options if value not in {str(d) for d in question.danger_values})


def sessions(usernames: list[str]) -> list[str]:
    """Session keys of signed-in staff, spread over the role's demo logins."""
    keys = []
    for index in range(SESSIONS_PER_ROLE):
        client = Client()
        client.force_login(User.objects.get(username=usernames[index % len(usernames)]))
        keys.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    return keys


def password_check_ms() -> float:
    """One Argon2 check of the demo password: the fastest of five, what a sign-in costs."""
    user = User.objects.get(username="analytiker")
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        assert user.check_password(DEMO_PASSWORD)
        runs.append((time.perf_counter() - started) * 1000)
    return min(runs)


def questionnaire_links(count: int) -> list[dict[str, object]]:
    actor = User.objects.get(username=ROLES["case_workers"][0])
    template = Template.objects.filter(published=True).order_by("-pk").first()
    assert template is not None, "the demo has no published questionnaire"
    answers = {f"q{q.pk}": harmless_answer(q) for q in template.questions.all()}
    children = list(policy.children_for(actor).filter(case_worker=actor).order_by("pk"))
    links = []
    for child in itertools.islice(itertools.cycle(children), count):
        _, token = services.create_invitation(
            actor=actor, child=child, template=template, language="sv", via="bench:load"
        )
        links.append({"token": token, "answers": answers})
    return links


def main(out: Path) -> None:
    data: dict[str, object] = {role: sessions(usernames) for role, usernames in ROLES.items()}
    data["cookie"] = settings.SESSION_COOKIE_NAME
    data["links"] = questionnaire_links(LINKS)
    out.write_text(json.dumps(data))
    print(
        f"{LINKS} questionnaire links; one sign-in's Argon2 check: {password_check_ms():.0f} ms", flush=True
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]))
