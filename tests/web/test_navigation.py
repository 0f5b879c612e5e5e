"""The top bar groups the pages into a few sections and marks where the user is."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from bianzhi.kernel.nav import NAV_SECTIONS, nav_items, nav_section_of


def test_every_page_of_the_registry_sits_in_one_of_a_few_sections() -> None:
    sections = {nav_section_of(item) for item in nav_items() if item.url_name != "web:home"}
    assert sections <= set(NAV_SECTIONS) and len(NAV_SECTIONS) <= 7


def test_the_bar_shows_sections_and_marks_the_current_section_and_page(
    login: Any, daying_officer: Any
) -> None:
    html = login(daying_officer).get(reverse("duties:request-list")).content.decode()
    top = html.split('<nav class="nav"', 1)[1].split("</nav>", 1)[0]
    for section in NAV_SECTIONS:
        assert f">{section}</a>" in top
    assert 'class="section current" aria-current="true" data-section="权责与职责准入"' in top
    sub = html.split('<nav class="subnav"', 1)[1].split("</nav>", 1)[0]
    # The longer matching URL wins: 职责准入 is current, not 权责清单 (/duties/ prefixes both).
    assert 'class="current" aria-current="page">职责准入</a>' in sub
    assert 'aria-current="page">权责清单' not in sub
    assert ">实名制</a>" not in sub  # another section's page


def test_the_login_page_names_the_system_not_the_host(client: Any, db: Any) -> None:
    html = client.get(reverse("accounts:login")).content.decode()
    assert "乡镇机构编制资源配置系统" in html and "testserver" not in html


def test_favicon_answers(client: Any, db: Any) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content


def test_the_api_404_is_in_chinese_in_json_and_in_the_browsable_api(
    login: Any, daying_officer: Any
) -> None:
    client = login(daying_officer)
    response = client.get("/api/v1/regions/999999999/", HTTP_ACCEPT="application/json")
    assert response.status_code == 404 and response.json() == {"detail": "未找到。"}
    page = client.get("/api/v1/regions/999999999/", HTTP_ACCEPT="text/html").content.decode()
    assert "未找到。" in page and "Django REST framework" not in page
    assert "No Region matches" not in page
