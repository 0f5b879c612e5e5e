"""Run inside the offline namespace by test_offline_bundle.py: log in to the
installed server over loopback and download a plan's PDF. Standard library
only (it runs with the system Python, outside the installed venv)."""

from __future__ import annotations

import http.cookiejar
import re
import sys
import urllib.parse
import urllib.request

base = sys.argv[1]
jar = http.cookiejar.CookieJar()
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

login_page = opener.open(f"{base}/accounts/login/").read().decode()
token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page)
assert token, "no CSRF token on the login page"
form = urllib.parse.urlencode({
    "csrfmiddlewaretoken": token.group(1), "username": "daying", "password": "demo-2026",
}).encode()
request = urllib.request.Request(f"{base}/accounts/login/", data=form,
                                 headers={"Referer": f"{base}/accounts/login/"})
home = opener.open(request)
assert "/accounts/login/" not in home.geturl(), "login failed"

plans = opener.open(f"{base}/plans/").read().decode()
ids = re.findall(r'href="/plans/(\d+)/"', plans)
assert ids, "no plan listed"
pdf = opener.open(f"{base}/plans/{ids[0]}/export.pdf").read()
assert pdf.startswith(b"%PDF"), pdf[:200]
print(f"PDF {len(pdf)} bytes")
