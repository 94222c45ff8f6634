from typing import Any

from django.conf import settings
from django.http import HttpRequest

from obruten import municipal
from obruten.accounts import policy
from obruten.teaching import services as teaching


def obruten(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    has_records = bool(user and user.is_authenticated and policy.has_records(user))
    return {
        "DEMO_MODE": settings.DEMO_MODE,
        "HAS_RECORDS": has_records,
        "MAY_IMPORT": has_records and policy.may_import(user),
        "SEES_STATISTICS": bool(user and policy.may_see_statistics(user)),
        "TEACHES": has_records and teaching.teaches(user),
        "SEES_SKOLFAM_GROUP": has_records and policy.may_see_skolfam_target_group(user),
        "goal_days": municipal.current().school_start_goal_days,
    }
