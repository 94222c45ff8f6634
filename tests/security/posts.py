"""What the security tests post: a form as it would be posted back, with changes."""

from __future__ import annotations

from typing import Any

from obruten.register.models import Child


def child_post(child: Child, **changes: Any) -> dict[str, Any]:
    """The child form as posted back unchanged, with ``changes``."""
    data = {
        "personal_number": child.formatted_personal_number,
        "first_name": child.first_name,
        "last_name": child.last_name,
        "sex": child.sex,
        "home_municipality": child.home_municipality_id,
        "district": child.district_id,
        "protected_identity": child.protected_identity,
    }
    return {**data, **changes}
