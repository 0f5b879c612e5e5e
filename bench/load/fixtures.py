"""What the load test needs in the database, made once and reused: the demo
data (the loader of `bianzhi demo --quick`), one login per simulated user
(county 编办管理员, city 只读, township users), API tokens, and the small
roster file the importing user uploads every minute.

Runs inside Django (the serve process's database); writes
`<work>/users.json`, which the locustfile reads.
"""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path
from typing import Any

PASSWORD = "load-test-2026"  # the load users only; never a demo or real account
COUNTY_USERS = 19
CITY_USERS = 10
TOWNSHIP_USERS = 15
API_USERS = 5
IMPORT_ROWS = 6000


def _demo() -> None:
    from bianzhi.accounts.models import User
    from bianzhi.kernel.demo import DEFAULT_PASSWORD, DemoContext, demo_run

    if not User.objects.filter(username="daying").exists():
        demo_run(context=DemoContext(password=DEFAULT_PASSWORD, full_country=False, echo=print))


def _user(username: str, region: Any, roles: list[str]) -> Any:
    from bianzhi.accounts.models import User
    from bianzhi.accounts.services import user_create

    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(username=username, password=PASSWORD, region=region, roles=roles,
                           full_name=f"压测用户 {username}", validate=False)
    return user


def _import_file(path: Path, townships: list[Any], grade: str) -> None:
    """IMPORT_ROWS persons of 大英县's townships in the template's columns;
    the two variants differ in 年度考核, so every other import changes rows."""
    from openpyxl import Workbook

    from bianzhi.roster.demo import GIVEN, SURNAMES, _id_number
    from bianzhi.roster.importing import HEADERS

    rng = random.Random(11)
    used: set[str] = set()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("实名制名册")
    sheet.append(HEADERS)
    for n in range(IMPORT_ROWS):
        township = townships[n % len(townships)]
        sheet.append([
            _id_number(rng, township.code[:6], used), rng.choice(SURNAMES) + rng.choice(GIVEN),
            township.code, "", "行政编制" if n % 2 else "事业编制", "一般", "否", "在岗", "", None,
            date(2015, 9, 1), "考录", None, "大学本科", "", None, grade,
        ])
    workbook.save(path)


def prepare(work: Path) -> Path:
    """Make everything and write users.json; returns its path."""
    from bianzhi.accounts.models import Role
    from bianzhi.accounts.services import api_token_issue
    from bianzhi.allocation.models import AllocationPlan
    from bianzhi.regions.models import Level, Region

    _demo()
    work.mkdir(parents=True, exist_ok=True)
    counties = list(Region.objects.filter(level=Level.COUNTY, code__in=["510923", "621121"]).order_by("code"))
    cities = [Region.objects.get(code=c.code[:4]) for c in counties]
    townships = list(Region.objects.filter(level=Level.TOWNSHIP, county_code__in=[c.code for c in counties])
                     .order_by("code"))
    plans = {c.code: list(AllocationPlan.objects.filter(region=c).order_by("pk").values_list("pk", flat=True)) for c in counties}
    users: dict[str, list[dict[str, Any]]] = {"county": [], "city": [], "township": [], "api": [], "importer": []}
    for n in range(COUNTY_USERS):
        county = counties[n % len(counties)]
        _user(f"load-county-{n:02d}", county, [Role.OFFICER])
        users["county"].append({"username": f"load-county-{n:02d}", "region": county.code,
                                "townships": [t.code for t in townships if t.county_code == county.code],
                                "plans": plans[county.code]})
    for n in range(CITY_USERS):
        city = cities[n % len(cities)]
        _user(f"load-city-{n:02d}", city, [Role.VIEWER])
        users["city"].append({"username": f"load-city-{n:02d}", "region": city.code,
                              "counties": [c.code for c in counties if c.code.startswith(city.code)],
                              "plans": [p for c in counties if c.code.startswith(city.code) for p in plans[c.code]]})
    for n in range(TOWNSHIP_USERS):
        township = townships[n % len(townships)]
        _user(f"load-township-{n:02d}", township, [Role.TOWNSHIP])
        users["township"].append({"username": f"load-township-{n:02d}", "region": township.code})
    for n in range(API_USERS):
        county = counties[n % len(counties)]
        user = _user(f"load-api-{n:02d}", county, [Role.VIEWER])
        _, key = api_token_issue(user=user, name="压测", hours=24)
        users["api"].append({"username": user.username, "region": county.code, "token": key,
                             "townships": [t.code for t in townships if t.county_code == county.code]})
    daying = [t for t in townships if t.county_code == "510923"]
    _user("load-importer", counties[0], [Role.OFFICER])
    files = []
    for grade in ("称职", "优秀"):
        path = work / f"load-roster-{grade}.xlsx"
        if not path.exists():
            _import_file(path, daying, grade)
        files.append(str(path))
    users["importer"].append({"username": "load-importer", "region": counties[0].code, "files": files})
    out = work / "users.json"
    out.write_text(json.dumps({"password": PASSWORD, **users}, ensure_ascii=False, indent=1))
    return out
